using System.Diagnostics;
using System.Security.Cryptography;

namespace S3lo.Core.Tests.Archives;

/// <summary>The real skopeo (/usr/bin/skopeo), the reference implementation of the oci: and oci-archive: transports.</summary>
internal static class Skopeo
{
    public const string Path = "/usr/bin/skopeo";

    public static string Run(params string[] args)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // No dependence on a machine's /etc/containers/policy.json.
        start.ArgumentList.Add("--insecure-policy");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"skopeo {string.Join(' ', args)} did not finish in 60 s");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"skopeo {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        return stdout.Result;
    }

    /// <summary>The digest of the manifest or index skopeo resolves the reference to (sha256 of its raw bytes).</summary>
    public static string RawDigest(string reference)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--insecure-policy", "inspect", "--raw", reference }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        using var raw = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(raw);
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"skopeo inspect --raw {reference} failed: {stderr.Trim()}");
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw.ToArray()));
    }
}
