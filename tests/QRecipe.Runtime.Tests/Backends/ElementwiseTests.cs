using QRecipe.Runtime.Backends.Cpu;
using QRecipe.Runtime.Tensors;
using QRecipe.Runtime.Tests.Tensors;

namespace QRecipe.Runtime.Tests.Backends;

/// <summary>Add, multiply, adaLN modulate and the gated residual against float64 (bound 2e-7·|y| + 1e-7: at most two
/// float32 roundings, one of them inside a fused multiply-add).</summary>
public sealed class ElementwiseTests
{
    [Theory]
    [InlineData(new[] { 3, 5, 7 }, new[] { 3, 5, 7 })]
    [InlineData(new[] { 3, 5, 7 }, new[] { 7 })]
    [InlineData(new[] { 4, 40001 }, new[] { 4, 40001 })]
    [InlineData(new[] { 300, 1152 }, new[] { 1152 })]
    public void Add_and_multiply_match_the_reference(int[] shape, int[] otherShape)
    {
        using var a = TestData.Uniform(1, 10f, shape);
        using var b = TestData.Uniform(2, 10f, otherShape);
        using var sum = Tensor.Empty(new TensorShape(shape));
        using var product = Tensor.Empty(new TensorShape(shape));
        CpuBackend.Instance.Add(a, b, sum);
        CpuBackend.Instance.Multiply(a, b, product);
        var x = TestData.ToDouble(a);
        var y = TestData.ToDouble(b);
        var expectedSum = new double[x.Length];
        var expectedProduct = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            expectedSum[i] = x[i] + y[i % y.Length];
            expectedProduct[i] = x[i] * y[i % y.Length];
        }

        TestData.AssertClose(expectedSum, sum.AsSpan<float>(), 2e-7, 1e-7, "add");
        TestData.AssertClose(expectedProduct, product.AsSpan<float>(), 2e-7, 1e-7, "multiply");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 17, 33)]
    [InlineData(2, 256, 1152)]
    public void Modulate_and_gated_residual_broadcast_per_sample_rows_over_tokens(int n, int t, int d)
    {
        using var x = TestData.Uniform(3, 4f, n, t, d);
        using var y = TestData.Uniform(4, 4f, n, t, d);
        using var shift = TestData.Uniform(5, 1f, n, d);
        using var scale = TestData.Uniform(6, 1f, n, d);
        using var modulated = Tensor.Empty(n, t, d);
        using var residual = Tensor.Empty(n, t, d);
        CpuBackend.Instance.Modulate(x, shift, scale, modulated);
        CpuBackend.Instance.GatedResidual(x, scale, y, residual);
        double[] xs = TestData.ToDouble(x), ys = TestData.ToDouble(y), sh = TestData.ToDouble(shift), sc = TestData.ToDouble(scale);
        var expectedModulated = new double[xs.Length];
        var expectedResidual = new double[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            var row = i / (t * d) * d + i % d;
            expectedModulated[i] = xs[i] * (1 + sc[row]) + sh[row];
            expectedResidual[i] = xs[i] + sc[row] * ys[i];
        }

        TestData.AssertClose(expectedModulated, modulated.AsSpan<float>(), 2e-7, 1e-6, "modulate");
        TestData.AssertClose(expectedResidual, residual.AsSpan<float>(), 2e-7, 1e-6, "gated residual");
    }

    [Fact]
    public void Mismatched_shapes_name_the_operation_and_both_shapes()
    {
        using var a = Tensor.Empty(2, 3);
        using var b = Tensor.Empty(3, 2);
        using var x = Tensor.Empty(2, 4, 8);
        using var rows = Tensor.Empty(3, 8);
        var add = Assert.Throws<ShapeMismatchException>(() => CpuBackend.Instance.Add(a, b, a));
        Assert.Equal("Add: shapes [2, 3] and [3, 2] do not match (the second shape must equal the first or its trailing axes)", add.Message);
        Assert.Equal(("Add", a.Shape, b.Shape), (add.Operation, add.First, add.Second));
        var modulate = Assert.Throws<ShapeMismatchException>(() => CpuBackend.Instance.Modulate(x, rows, rows, x));
        Assert.Contains("Modulate", modulate.Message);
        Assert.Contains("[2, 4, 8]", modulate.Message);
        Assert.Contains("[3, 8]", modulate.Message);
        var matmul = Assert.Throws<ShapeMismatchException>(() => CpuBackend.Instance.MatMul(a, a, a));
        Assert.Equal("MatMul: shapes [2, 3] and [2, 3] do not match (inner dimensions 3 and 2 must agree)", matmul.Message);
        using var w = Tensor.Empty(5, 4);
        var linear = Assert.Throws<ShapeMismatchException>(() => CpuBackend.Instance.Linear(x, w, null, x));
        Assert.Contains("Linear: shapes [2, 4, 8] and [5, 4]", linear.Message);
    }
}
