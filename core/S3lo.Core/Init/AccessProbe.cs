using System.Security.Cryptography;
using S3lo.Core.Errors;
using S3lo.Core.Storage;

namespace S3lo.Core.Init;

/// <summary>
/// Writes, reads back and deletes one small object, so init finds a missing permission now rather
/// than in the middle of the first push. Write and read are required; a refused delete is reported
/// (push, pull and copy work without it; delete and clean do not).
/// </summary>
public static class AccessProbe
{
    public const string Prefix = "s3lo-init-probe/";

    /// <returns>The probe key, and why the delete was refused (null when it worked).</returns>
    public static async Task<(string Key, string? DeleteRefused)> RunAsync(IObjectStore store, CancellationToken ct)
    {
        var key = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var bytes = System.Text.Encoding.UTF8.GetBytes($"s3lo init wrote this to check access; it is deleted right away ({key})\n");
        using (var content = new MemoryStream(bytes, writable: false))
        {
            await store.PutAsync(key, content, bytes.Length, PutOptions.Metadata with { Condition = WriteCondition.IfAbsent }, ct).ConfigureAwait(false);
        }
        var read = await ReadAllAsync(store, key, ct).ConfigureAwait(false);
        if (!read.AsSpan().SequenceEqual(bytes))
            throw new S3loException($"{store.DisplayName}/{key} read back {read.Length} bytes that differ from the {bytes.Length} written",
                "the store (or a proxy in front of it) changes what it stores: check the endpoint");
        try
        {
            await store.DeleteAsync(key, ct).ConfigureAwait(false);
            return (key, null);
        }
        catch (Exception e) when (e is S3loException or IOException or UnauthorizedAccessException)
        {
            return (key, e.Message);
        }
    }

    private static async Task<byte[]> ReadAllAsync(IObjectStore store, string key, CancellationToken ct)
    {
        await using var stream = await store.OpenReadAsync(key, ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
