using System.Diagnostics;

namespace S3lo.Core.Tests.Support;

/// <summary>Runs the real skopeo against a test registry: an independent client to check what s3lo wrote.</summary>
internal static class RegistrySkopeo
{
    /// <summary>The manifest bytes skopeo reads for <c>docker://REFERENCE</c> (plain http allowed), with --creds when given.</summary>
    public static async Task<byte[]> InspectRawAsync(string reference, string? creds = null)
    {
        var start = new ProcessStartInfo("skopeo")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "inspect", "--raw", "--tls-verify=false" }) start.ArgumentList.Add(arg);
        if (creds is not null)
        {
            start.ArgumentList.Add("--creds");
            start.ArgumentList.Add(creds);
        }
        start.ArgumentList.Add("docker://" + reference);
        // Its own config dir, so a developer's auth file does not change what it sees.
        start.Environment["REGISTRY_AUTH_FILE"] = Path.Combine(Path.GetTempPath(), "s3lo-core-tests-skopeo-auth-none.json");
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await copy;
        if (process.ExitCode != 0) Assert.Fail($"skopeo inspect {reference} failed ({process.ExitCode}): {await errors}");
        return output.ToArray();
    }
}
