using System;
using QRecipe.Cli;

return CliApp.Run(args, Console.Out, Console.Error);
