using System.Security.Cryptography;

namespace S3lo.Tests.Shared;

/// <summary>SHA-256 as the tests compare it: <c>sha256:&lt;hex&gt;</c> digests, or the bare hex.</summary>
public static class Sha
{
    public static string Of(ReadOnlySpan<byte> bytes) => "sha256:" + Hex(bytes);

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string OfFile(string path)
    {
        using var file = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
