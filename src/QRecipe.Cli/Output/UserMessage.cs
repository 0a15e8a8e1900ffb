using System;

namespace QRecipe.Cli.Output;

/// <summary>The text of an exception as a user should read it: .NET appends the parameter name
/// (" (Parameter 'x')") and the actual value ("Actual value was …") to argument exceptions; both name code, not
/// the input, so they are cut.</summary>
internal static class UserMessage
{
    public static string Of(Exception e)
    {
        var message = e.Message;
        if (e is ArgumentException { ParamName: { } name })
        {
            var suffix = message.IndexOf($" (Parameter '{name}')", StringComparison.Ordinal);
            if (suffix >= 0)
                message = message[..suffix];
        }
        return message;
    }
}
