namespace QRecipe.Runtime.Cuda.SelfTest;

/// <summary>One self-test check: the device result against the CPU's on the same seeded inputs. Error is the largest
/// absolute difference divided by max(1, largest |CPU value|); exact checks require 0.</summary>
public sealed record SelfTestResult(string Name, bool Passed, double Error, double Tolerance, string Detail);
