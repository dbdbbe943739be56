using System.Globalization;
using System.Text;

namespace S3lo.Core.Archives;

/// <summary>
/// Deterministic tar headers for the archives s3lo writes: ustar, mtime 0, uid/gid 0, mode 0644 (0755 for
/// directories). A file of 8 GiB or more gets a pax extended header with its exact size, as POSIX says
/// (Go's archive/tar, and so the Docker daemon, reads pax). The one tar header codec of every archive s3lo writes.
/// </summary>
public static class TarHeaders
{
    public const int BlockSize = 512;
    private const long MaxOctalSize = (1L << 33) - 1;

    /// <summary>The header blocks of a regular file (1, or 3 with a pax size record).</summary>
    public static byte[] File(string name, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (size <= MaxOctalSize) return Block(name, size, (byte)'0', 420);
        var record = PaxRecord("size", size.ToString(CultureInfo.InvariantCulture));
        var pax = Block(PaxName(name), record.Length, (byte)'x', 420);
        var blocks = new byte[BlockSize * 2 + Padded(record.Length)];
        pax.CopyTo(blocks, 0);
        record.CopyTo(blocks, BlockSize);
        Block(name, 0, (byte)'0', 420).CopyTo(blocks, BlockSize + Padded(record.Length));
        return blocks;
    }

    public static byte[] Directory(string name) => Block(name.EndsWith('/') ? name : name + "/", 0, (byte)'5', 493);

    /// <summary>Zero bytes that round <paramref name="size"/> up to a whole block.</summary>
    public static int PaddingFor(long size) => (int)((BlockSize - size % BlockSize) % BlockSize);

    /// <summary>The two zero blocks that end an archive.</summary>
    public static byte[] End() => new byte[2 * BlockSize];

    private static int Padded(int length) => length + PaddingFor(length);

    private static byte[] Block(string name, long size, byte type, int mode)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name);
        if (nameBytes.Length > 100 || name.Any(c => c is < ' ' or > '~'))
            throw new ArgumentException($"tar entry name '{name}' must be printable ASCII of at most 100 bytes", nameof(name));
        var block = new byte[BlockSize];
        nameBytes.CopyTo(block, 0);
        Octal(block.AsSpan(100, 8), mode);
        Octal(block.AsSpan(108, 8), 0);
        Octal(block.AsSpan(116, 8), 0);
        Octal(block.AsSpan(124, 12), size);
        Octal(block.AsSpan(136, 12), 0);
        block[156] = type;
        "ustar\0"u8.CopyTo(block.AsSpan(257));
        "00"u8.CopyTo(block.AsSpan(263));
        // The checksum is computed with its own field read as spaces.
        block.AsSpan(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in block) sum += b;
        Octal(block.AsSpan(148, 7), sum);
        block[155] = (byte)' ';
        return block;
    }

    /// <summary>"LEN key=value\n" where LEN counts the whole record, itself included.</summary>
    private static byte[] PaxRecord(string key, string value)
    {
        var body = $" {key}={value}\n";
        var length = body.Length + 1;
        while ((length.ToString(CultureInfo.InvariantCulture) + body).Length != length) length++;
        return Encoding.ASCII.GetBytes(length.ToString(CultureInfo.InvariantCulture) + body);
    }

    private static string PaxName(string name)
    {
        var pax = "PaxHeaders/" + name;
        return pax.Length <= 100 ? pax : pax[..100];
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
