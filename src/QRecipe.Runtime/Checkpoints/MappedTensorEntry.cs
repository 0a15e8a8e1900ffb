using System;
using System.Collections.Generic;
using QRecipe.Plan.Text;

namespace QRecipe.Runtime.Checkpoints;

/// <summary>
/// A tensor that is a strided view of a storage inside a mapped file: element (i0, i1, …) lives at storage
/// element offset + Σ i_k·stride_k (docs/checkpoints.md). Safetensors tensors are the contiguous special case.
/// </summary>
internal sealed class MappedTensorEntry : CheckpointEntry
{
    // Contiguous runs are decoded in chunks so a span never exceeds int range.
    private const int ChunkElements = 1 << 20;

    // Create has checked the whole storage range, so reads never fail on it; a constant keeps gathers allocation-free.
    private const string DataDescription = "tensor data";

    private readonly int[] _shape;
    private readonly MappedFile _file;
    private readonly long _storageStart;
    private readonly long _offset;
    private readonly long[] _strides;
    private readonly bool _bigEndian;

    private MappedTensorEntry(string name, CheckpointDType dtype, int[] shape, MappedFile file, long storageStart,
        long offset, long[] strides, bool bigEndian, string? storedName = null)
        : base(name, dtype, shape, storedName)
    {
        _shape = shape;
        _file = file;
        _storageStart = storageStart;
        _offset = offset;
        _strides = strides;
        _bigEndian = bigEndian;
    }

    /// <summary>
    /// Checks that every element of the view lies inside the storage (storageElements elements at byte
    /// storageStart of the file), so decoding can never read outside it. Every size and offset comes from the file,
    /// so the arithmetic is checked: a product that wrapped around could otherwise point every element at the same
    /// bytes.
    /// </summary>
    public static MappedTensorEntry Create(string name, CheckpointDType dtype, int[] shape, MappedFile file,
        long storageStart, long storageElements, long offset, long[] strides, bool bigEndian)
    {
        var tensor = SafeText.Quote(name);
        string View() => $"size {FormatShape(shape)}, offset {offset}, stride ({ShortList.Join(", ", strides)})";
        if (offset < 0)
            throw new CheckpointException(file.DisplayName, $"tensor {tensor} has a negative storage offset {offset}");
        long last = offset, count = 1;
        bool empty = false;
        try
        {
            for (int k = 0; k < shape.Length; k++)
            {
                if (shape[k] < 0 || strides[k] < 0)
                    throw new CheckpointException(file.DisplayName, $"tensor {tensor} has a negative size or stride ({View()})");
                count = checked(count * shape[k]);
                if (shape[k] == 0)
                    empty = true;
                else
                    last = checked(last + (shape[k] - 1) * strides[k]);
            }
        }
        catch (OverflowException)
        {
            throw new CheckpointException(file.DisplayName, $"tensor {tensor} ({View()}) reaches beyond what 64-bit sizes can count");
        }
        if (count > Array.MaxLength)
            throw new CheckpointException(file.DisplayName, $"tensor {tensor} ({View()}) has {count} elements; one tensor may have at most {Array.MaxLength}");
        if (!empty && last >= storageElements)
            throw new CheckpointException(file.DisplayName,
                $"tensor {tensor} ({View()}) reaches element {last} of a storage with {storageElements} elements");
        long storageBytes;
        try
        {
            storageBytes = checked(storageElements * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw new CheckpointException(file.DisplayName, $"the storage of tensor {tensor} declares {storageElements} elements, more bytes than 64-bit sizes can count");
        }
        file.CheckRange(storageStart, storageBytes, $"the data of tensor {tensor}");
        return new MappedTensorEntry(name, dtype, shape, file, storageStart, offset, strides, bigEndian);
    }

    /// <summary>Row-major strides of a contiguous tensor.</summary>
    public static long[] ContiguousStrides(IReadOnlyList<int> shape)
    {
        var strides = new long[shape.Count];
        long stride = 1;
        for (int k = shape.Count - 1; k >= 0; k--)
        {
            strides[k] = stride;
            stride *= shape[k];
        }
        return strides;
    }

    internal override CheckpointEntry WithName(string name) =>
        new MappedTensorEntry(name, DType, _shape, _file, _storageStart, _offset, _strides, _bigEndian, StoredName);

    private protected override void CopyToCore(Span<float> destination)
    {
        if (destination.IsEmpty)
            return;
        if (IsContiguous())
        {
            DecodeRun(_offset, destination);
            return;
        }

        // Odometer over all but the innermost dimension; each innermost row is one run (stride 1) or a gather.
        int rank = _shape.Length;
        int rowLength = _shape[rank - 1];
        long rowStride = _strides[rank - 1];
        var index = new int[rank - 1];
        long rowStart = _offset;
        for (int row = 0; row * (long)rowLength < destination.Length; row++)
        {
            var target = destination.Slice(row * rowLength, rowLength);
            if (rowStride == 1)
                DecodeRun(rowStart, target);
            else
                for (int i = 0; i < rowLength; i++)
                    target[i] = DecodeAt(rowStart + i * rowStride);

            for (int k = rank - 2; k >= 0; k--)
            {
                rowStart += _strides[k];
                if (++index[k] < _shape[k])
                    break;
                rowStart -= index[k] * _strides[k];
                index[k] = 0;
            }
        }
    }

    private bool IsContiguous()
    {
        long expected = 1;
        for (int k = _shape.Length - 1; k >= 0; k--)
        {
            if (_shape[k] != 1 && _strides[k] != expected)
                return false;
            expected *= _shape[k];
        }
        return true;
    }

    private void DecodeRun(long firstElement, Span<float> destination)
    {
        int size = DType.ElementSize();
        for (int done = 0; done < destination.Length; done += ChunkElements)
        {
            var chunk = destination.Slice(done, Math.Min(ChunkElements, destination.Length - done));
            var bytes = _file.Bytes(_storageStart + (firstElement + done) * size, chunk.Length * size, DataDescription);
            ElementDecoder.Decode(bytes, DType, _bigEndian, chunk);
        }
    }

    private float DecodeAt(long element)
    {
        int size = DType.ElementSize();
        return ElementDecoder.DecodeOne(_file.Bytes(_storageStart + element * size, size, DataDescription), DType, _bigEndian);
    }
}
