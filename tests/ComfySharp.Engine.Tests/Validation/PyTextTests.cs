using ComfySharp.Engine.Validation;

namespace ComfySharp.Engine.Tests.Validation;

public sealed class PyTextTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1e20, "1e+20")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    public void Floats_print_like_python_repr(double value, string expected) => Assert.Equal(expected, PyText.Float(value));

    [Fact]
    public void Lists_print_like_python_repr()
    {
        Assert.Equal("['a', 'b']", PyText.List(["a", "b"]));
        Assert.Equal("[\"it's\"]", PyText.List(["it's"]));
    }
}
