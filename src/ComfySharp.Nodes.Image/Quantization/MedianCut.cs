namespace ComfySharp.Nodes.Image.Quantization;

/// <summary>
/// Pillow's median-cut palette (<c>Image.quantize(colors)</c> on an RGB image: <c>Quant.c</c>, method 0, no k-means),
/// rebuilt from its rules so that the palette agrees entry for entry:
/// <list type="bullet">
/// <item>Colours are counted exactly while there are at most 65 536 of them; past that every channel loses one more low bit
/// (the "scale") until they fit.</item>
/// <item>The box holding the most pixels is split next (a binary max-heap on the pixel count; its tie order decides between equal
/// boxes), <c>colors − 1</c> times or until only single colours are left. A box is split on the axis of the largest range weighted
/// by luminance (77 R, 150 G, 29 B; ties keep the earlier axis) where the pixel count, walked from the highest value down, first
/// passes half the box; the higher values including that one go left, or, when that leaves nothing, the lowest value goes right.</item>
/// <item>Palette entries are the leaves left to right; each is the rounded mean of the original pixels in its box.</item>
/// </list>
/// </summary>
internal static class MedianCut
{
    /// <summary>The palette of interleaved RGB pixels as RGB triples, at most <paramref name="colors"/> of them.</summary>
    public static byte[] Palette(ReadOnlySpan<byte> rgb, int colors)
    {
        if (rgb.Length == 0) throw new ArgumentException("An image without pixels has no palette.", nameof(rgb));
        var colours = ColourTable.Count(rgb);
        var leaves = Split(colours, (uint)(rgb.Length / 3), colors);

        var palette = new byte[leaves.Count * 3];
        for (var i = 0; i < leaves.Count; i++)
        {
            var box = leaves[i];
            // Quant.c sums in uint32 (wrapping past ~16.8 M pixels) and rounds half up.
            uint r = 0, g = 0, b = 0, n = 0;
            for (var k = box.Start; k < box.End; k++)
            {
                var c = colours.Order[k];
                r += colours.SumR[c];
                g += colours.SumG[c];
                b += colours.SumB[c];
                n += colours.Counts[c];
            }
            palette[i * 3] = (byte)(int)(0.5 + (double)r / n);
            palette[i * 3 + 1] = (byte)(int)(0.5 + (double)g / n);
            palette[i * 3 + 2] = (byte)(int)(0.5 + (double)b / n);
        }
        return palette;
    }

    /// <summary>The median-cut leaves, left (higher values) before right, each a range of <see cref="ColourTable.Order"/>.</summary>
    private static List<Box> Split(ColourTable colours, uint pixelCount, int colors)
    {
        var boxes = new List<Box> { new(0, colours.Length, pixelCount) };
        var heap = new BoxHeap(boxes);
        heap.Add(0);
        for (var splits = colors - 1; splits > 0; splits--)
        {
            int index;
            do
            {
                if (!heap.TryRemove(out index)) return Leaves(boxes);
            } while (boxes[index].End - boxes[index].Start == 1); // one colour: a leaf that cannot split

            var (left, right) = SplitBox(colours, boxes[index]);
            boxes[index] = boxes[index] with { Left = boxes.Count, Right = boxes.Count + 1 };
            boxes.Add(left);
            boxes.Add(right);
            heap.Add(boxes.Count - 2);
            heap.Add(boxes.Count - 1);
        }
        return Leaves(boxes);
    }

    private static List<Box> Leaves(List<Box> boxes)
    {
        var leaves = new List<Box>();
        var stack = new Stack<int>();
        stack.Push(0);
        while (stack.Count > 0)
        {
            var box = boxes[stack.Pop()];
            if (box.Left < 0)
            {
                leaves.Add(box);
                continue;
            }
            stack.Push(box.Right);
            stack.Push(box.Left);
        }
        return leaves;
    }

    private static (Box Left, Box Right) SplitBox(ColourTable colours, Box box)
    {
        Span<int> low = [255, 255, 255];
        Span<int> high = [0, 0, 0];
        var order = colours.Order;
        for (var k = box.Start; k < box.End; k++)
        {
            var c = order[k];
            for (var axis = 0; axis < 3; axis++)
            {
                int v = colours.Channel(axis)[c];
                if (v < low[axis]) low[axis] = v;
                if (v > high[axis]) high[axis] = v;
            }
        }
        Span<int> weighted = [(high[0] - low[0]) * 77, (high[1] - low[1]) * 150, (high[2] - low[2]) * 29];
        var best = 0;
        for (var axis = 1; axis < 3; axis++)
        {
            if (weighted[axis] > weighted[best]) best = axis;
        }
        var channel = colours.Channel(best);

        // Pixel counts per value on the axis, walked from the top until more than half the box is behind.
        Span<uint> histogram = stackalloc uint[256];
        for (var k = box.Start; k < box.End; k++) histogram[channel[order[k]]] += colours.Counts[order[k]];
        uint seen = 0;
        var threshold = low[best];
        for (var v = high[best]; v >= low[best]; v--)
        {
            seen += histogram[v];
            if ((ulong)seen * 2 > box.PixelCount)
            {
                threshold = v;
                break;
            }
        }
        // Values >= threshold go left; if that is all of them the lowest value alone goes right.
        if (threshold == low[best]) threshold = low[best] + 1;

        var split = box.Start;
        for (var k = box.Start; k < box.End; k++)
        {
            if (channel[order[k]] >= threshold) (order[k], order[split]) = (order[split++], order[k]);
        }
        uint leftCount = 0;
        for (var k = box.Start; k < split; k++) leftCount += colours.Counts[order[k]];
        return (new Box(box.Start, split, leftCount), new Box(split, box.End, box.PixelCount - leftCount));
    }

    /// <summary>A box of the median cut: entries <c>[Start, End)</c> of the colour order, and its children once split.</summary>
    private readonly record struct Box(int Start, int End, uint PixelCount)
    {
        public int Left { get; init; } = -1;
        public int Right { get; init; } = -1;
    }

    /// <summary>
    /// Quant.c's box heap: 1-based, largest pixel count on top. Its exact sift rules matter: boxes of equal count are split in the
    /// order it yields them, and that order shapes the palette.
    /// </summary>
    private sealed class BoxHeap(List<Box> boxes)
    {
        private readonly List<int> _heap = [-1];

        private int Compare(int a, int b) => (int)boxes[a].PixelCount - (int)boxes[b].PixelCount;

        public void Add(int box)
        {
            _heap.Add(box);
            var k = _heap.Count - 1;
            // Rises only past strictly smaller parents.
            while (k != 1 && Compare(box, _heap[k / 2]) > 0)
            {
                _heap[k] = _heap[k / 2];
                k /= 2;
            }
            _heap[k] = box;
        }

        public bool TryRemove(out int box)
        {
            box = -1;
            var count = _heap.Count - 1;
            if (count == 0) return false;
            box = _heap[1];
            var last = _heap[count];
            _heap.RemoveAt(count);
            count--;
            var k = 1;
            // Sinks past children that are not strictly smaller, preferring the right child only when it is strictly larger.
            while (k * 2 <= count)
            {
                var child = k * 2;
                if (child < count && Compare(_heap[child], _heap[child + 1]) < 0) child++;
                if (Compare(last, _heap[child]) > 0) break;
                _heap[k] = _heap[child];
                k = child;
            }
            if (count > 0) _heap[k] = last;
            return true;
        }
    }
}
