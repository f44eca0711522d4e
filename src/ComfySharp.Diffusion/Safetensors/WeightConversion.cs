using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace ComfySharp.Diffusion.Safetensors;

/// <summary>Little-endian F32/F16/BF16 bytes to float32 and back (safetensors data is always little-endian).</summary>
internal static class WeightConversion
{
    public static void ToFloat32(SafetensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                else for (var i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
                break;
            case SafetensorsDType.F16:
                if (BitConverter.IsLittleEndian) TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                else for (var i = 0; i < destination.Length; i++) destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(i * 2)..]);
                break;
            case SafetensorsDType.BF16:
                // bfloat16 is the upper half of a float32's bits.
                for (var i = 0; i < destination.Length; i++)
                {
                    var bits = (uint)BinaryPrimitives.ReadUInt16LittleEndian(source[(i * 2)..]) << 16;
                    destination[i] = BitConverter.UInt32BitsToSingle(bits);
                }
                break;
            default:
                throw new ArgumentException($"{dtype.Name()} is not a weight type.", nameof(dtype));
        }
    }

    public static byte[] FromFloat32(SafetensorsDType dtype, ReadOnlySpan<float> source)
    {
        var bytes = new byte[source.Length * dtype.Size()];
        for (var i = 0; i < source.Length; i++)
        {
            switch (dtype)
            {
                case SafetensorsDType.F32: BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), source[i]); break;
                case SafetensorsDType.F16: BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)source[i]); break;
                case SafetensorsDType.BF16: BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), ToBFloat16(source[i])); break;
                default: throw new ArgumentException($"{dtype.Name()} is not a weight type.", nameof(dtype));
            }
        }
        return bytes;
    }

    /// <summary>Round to nearest even, as PyTorch does when casting to bfloat16.</summary>
    private static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
