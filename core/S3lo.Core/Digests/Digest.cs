using System.Buffers;
using System.Security.Cryptography;
using S3lo.Core.Errors;

namespace S3lo.Core.Digests;

/// <summary>A validated <c>sha256:&lt;64 lowercase hex&gt;</c> content digest.</summary>
public readonly record struct Digest
{
    public const string Sha256Prefix = "sha256:";
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private Digest(string hex) => Hex = hex;

    /// <summary>The 64 lowercase hex characters.</summary>
    public string Hex { get; }

    public override string ToString() => Sha256Prefix + Hex;

    public static bool TryParse(string? text, out Digest digest)
    {
        digest = default;
        if (text is null || !text.StartsWith(Sha256Prefix, StringComparison.Ordinal)) return false;
        var hex = text.AsSpan(Sha256Prefix.Length);
        if (hex.Length != 64 || hex.ContainsAnyExcept(LowerHex)) return false;
        digest = new Digest(hex.ToString());
        return true;
    }

    public static Digest Parse(string? text) =>
        TryParse(text, out var d)
            ? d
            : throw new S3loException($"invalid digest '{text}': expected sha256:<64 lowercase hex digits>");

    public static Digest FromHex(ReadOnlySpan<byte> hash) => new(Convert.ToHexStringLower(hash));

    public static Digest Compute(ReadOnlySpan<byte> bytes) => FromHex(SHA256.HashData(bytes));

    public static async Task<Digest> ComputeAsync(Stream stream, CancellationToken ct) =>
        FromHex(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
}
