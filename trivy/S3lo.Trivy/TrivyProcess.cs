using System.ComponentModel;
using System.Diagnostics;

namespace S3lo.Trivy;

/// <summary>Runs trivy as a child process: its stdout and stderr are ours (inherited, not captured); cancelling kills it.</summary>
public static class TrivyProcess
{
    /// <param name="passStdout">False: trivy's stdout is read and dropped (a caller that only wants the verdict).</param>
    /// <returns>trivy's exit code.</returns>
    public static async Task<int> RunAsync(string trivy, IReadOnlyList<string> arguments, bool passStdout, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var start = new ProcessStartInfo(trivy)
        {
            UseShellExecute = false,
            RedirectStandardOutput = !passStdout,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new TrivyException($"could not start {trivy}");
        }
        catch (Win32Exception e)
        {
            throw new TrivyException($"could not start {trivy}: {e.Message}", "check the file is a trivy executable for this machine (--trivy PATH)", e);
        }
        using (process)
        {
            var drained = passStdout ? Task.CompletedTask : process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or a timeout: trivy must not outlive us (nor keep the archive we are about to delete open).
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It had just exited.
                }
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            await drained.ConfigureAwait(false);
            return process.ExitCode;
        }
    }
}
