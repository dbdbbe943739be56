using System.Buffers.Binary;
using System.Text;

namespace S3lo.Docker;

/// <summary>
/// Writes 512-byte ustar headers for regular files. Sizes of 8 GiB and more use the base-256 size
/// encoding (GNU, read by Go's archive/tar and so by the daemon); names stay short, so no long-name
/// extensions are needed. mtime 0 and fixed owners keep the output deterministic.
/// </summary>
internal static class UstarHeader
{
    public const int BlockSize = 512;
    private const long MaxOctalSize = (1L << 33) - 1;

    public static void WriteFile(Span<byte> block, string name, long size)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name);
        if (nameBytes.Length > 100 || name.Any(c => c > 0x7e || c < 0x20))
            throw new ArgumentException($"tar entry name '{name}' must be printable ASCII of at most 100 bytes", nameof(name));
        ArgumentOutOfRangeException.ThrowIfNegative(size);

        block[..BlockSize].Clear();
        nameBytes.CopyTo(block);
        Octal(block.Slice(100, 8), 420); // 0644
        Octal(block.Slice(108, 8), 0);
        Octal(block.Slice(116, 8), 0);
        if (size <= MaxOctalSize) Octal(block.Slice(124, 12), size);
        else
        {
            block[124] = 0x80;
            BinaryPrimitives.WriteInt64BigEndian(block.Slice(128, 8), size);
        }
        Octal(block.Slice(136, 12), 0);
        block[156] = (byte)'0';
        "ustar\0"u8.CopyTo(block[257..]);
        "00"u8.CopyTo(block[263..]);
        "root"u8.CopyTo(block[265..]);
        "root"u8.CopyTo(block[297..]);

        // The checksum is computed with its own field read as spaces.
        block.Slice(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in block[..BlockSize]) sum += b;
        Octal(block.Slice(148, 7), sum);
        block[155] = (byte)' ';
    }

    /// <summary>Zero-padded octal digits filling the field but its last byte, which is NUL.</summary>
    private static void Octal(Span<byte> field, long value)
    {
        var digits = field.Length - 1;
        for (var i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
        field[digits] = 0;
    }
}
