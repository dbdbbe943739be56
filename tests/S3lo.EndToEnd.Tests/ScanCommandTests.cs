using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace S3lo.EndToEnd.Tests;

/// <summary>
/// s3lo scan and sbom on the published binary. Real Trivy is not available on this machine (no network to
/// fetch it or its database), so a stand-in trivy — a bash script written by each test — checks the
/// invocation contract: it records its arguments, copies the --input archive aside for the test, prints a
/// fixed report and exits with the code the test chooses (STANDIN_EXITS, one per run).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ScanCommandTests
{
    private const string Report = "stand-in report line 1\n\tindented: {0}\n";

    private const string StandIn = """
        #!/bin/bash
        dir="$(cd "$(dirname "$0")" && pwd)"
        n=$(( $(ls "$dir"/args-*.txt 2>/dev/null | wc -l) + 1 ))
        echo $$ > "$dir/pid-$n"
        out=""
        args=("$@")
        while [ $# -gt 0 ]; do
          case "$1" in
            --input) cp "$2" "$dir/input-$n.tar"; shift;;
            --output) out="$2"; shift;;
          esac
          shift
        done
        if [ -n "$out" ]; then printf '{"bomFormat":"stand-in","run":%s}\n' "$n" > "$out"; fi
        printf '%s\n' "${args[@]}" > "$dir/args-$n.txt"
        if [ -n "$STANDIN_SLEEP" ]; then exec sleep "$STANDIN_SLEEP"; fi
        printf 'stand-in report line 1\n\tindented: %s\n' "$n"
        codes=(${STANDIN_EXITS:-0})
        exit ${codes[$((n-1))]:-${codes[-1]}}

        """;

    private TempStore _store = null!;
    private TempDir _work = null!;
    private string _trivyDir = null!;
    private string _trivy = null!;
    private string _tmp = null!;

    [SetUp]
    public void Create()
    {
        _store = new TempStore();
        _work = new TempDir("scan");
        _trivyDir = _work.Sub("standin");
        _trivy = WriteStandIn(_trivyDir);
        // s3lo's own temp files go here, so the test can see that none are left.
        _tmp = _work.Sub("tmp");
    }

    [TearDown]
    public void Delete()
    {
        _store.Dispose();
        _work.Dispose();
    }

    private static string WriteStandIn(string directory)
    {
        var path = Path.Combine(directory, "trivy");
        File.WriteAllText(path, StandIn);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    private string PushSingle(string tag = "v1")
    {
        var layout = _work.Sub("layout-" + tag);
        OciLayoutImages.Write(layout, tag, 11, 12);
        Copy($"oci:{layout}:{tag}", _store.Ref("app:" + tag));
        return _store.Ref("app:" + tag);
    }

    private string PushMulti()
    {
        var layout = _work.Sub("layout-multi");
        MultiArchLayouts.Write(layout, "multi");
        Copy($"oci:{layout}:multi", _store.Ref("app:multi"));
        return _store.Ref("app:multi");
    }

    private static void Copy(string from, string to)
    {
        var r = S3loBinary.Run("copy", from, to);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
    }

    private RunResult Run(string exits, params string[] args) => S3loBinary.Run(args,
        new Dictionary<string, string?> { ["TMPDIR"] = _tmp, ["STANDIN_EXITS"] = exits, ["S3LO_TRIVY"] = null }, null);

    private string[] Args(int run = 1) => File.ReadAllLines(Path.Combine(_trivyDir, $"args-{run}.txt"));

    /// <summary>The stand-in numbers its runs by the records it finds; a new scan in the same test starts at 1 again.</summary>
    private void ForgetRuns()
    {
        foreach (var file in Directory.GetFiles(_trivyDir).Where(f => Path.GetFileName(f) != "trivy")) File.Delete(file);
    }

    private int Runs => Directory.GetFiles(_trivyDir, "args-*.txt").Length;

    private void NoTempLeft() =>
        Assert.That(Directory.GetFileSystemEntries(_tmp), Is.Empty, "the temp archive and its directory are gone");

    [Test]
    public void ScanRunsTrivyOnAnOciArchiveOfTheImageWithTheExactArguments()
    {
        var image = PushSingle();

        var r = Run("0", "scan", image, "--trivy", _trivy);

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        Assert.That(Runs, Is.EqualTo(1));
        var args = Args();
        Assert.That(args, Has.Length.EqualTo(9), string.Join(' ', args));
        Assert.That(args[2], Does.StartWith(_tmp + "/s3lo-scan-").And.EndWith(".tar"), "the archive is in s3lo's temp directory");
        Assert.That(args, Is.EqualTo(new[]
        {
            "image", "--input", args[2], "--severity", "HIGH,CRITICAL", "--format", "table", "--exit-code", "5",
        }));
        Assert.That(r.Stdout, Is.EqualTo(string.Format(Report, 1)), "trivy's stdout is ours, unchanged");
        var archive = OciArchive.Read(Path.Combine(_trivyDir, "input-1.tar"));
        Assert.That(archive.Platform, Is.EqualTo("linux/amd64"));
        Assert.That(archive.Layers, Is.EqualTo(2));
        NoTempLeft();
    }

    [Test]
    public void TheFlagsArePassedThrough()
    {
        var image = PushSingle();
        var report = _work.File("report.sarif");

        var r = Run("0", "scan", image, "--trivy", _trivy, "--severity", "medium,critical", "--format", "sarif",
            "--skip-db-update", "--offline-scan", "--cache-dir", "/var/cache/trivy", "-o", report);

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        var args = Args();
        Assert.That(args[2], Does.StartWith(_tmp + "/s3lo-scan-"));
        Assert.That(args[10], Does.StartWith(_work.Path + "/.report.sarif.").And.EndWith(".s3lo-tmp"), "trivy writes beside the target");
        Assert.That(args, Is.EqualTo(new[]
        {
            "image", "--input", args[2], "--severity", "MEDIUM,CRITICAL", "--format", "sarif", "--exit-code", "5",
            "--output", args[10], "--skip-db-update", "--offline-scan", "--cache-dir", "/var/cache/trivy",
        }));
        Assert.That(File.ReadAllText(report), Is.EqualTo("{\"bomFormat\":\"stand-in\",\"run\":1}\n"));
        Assert.That(Directory.GetFiles(_work.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "report.sarif" }), "no temp report left");
        NoTempLeft();
    }

    [TestCase("0", 0)]
    [TestCase("5", 1)]
    [TestCase("1", 2)]
    [TestCase("3", 2)]
    public void TrivysExitCodeMapsToTheGatesExitCode(string trivyExit, int expected)
    {
        var image = PushSingle();

        var r = Run(trivyExit, "scan", image, "--trivy", _trivy);

        Assert.That(r.ExitCode, Is.EqualTo(expected), r.ToString);
        Assert.That(r.Stdout, Is.EqualTo(string.Format(Report, 1)));
        NoTempLeft();
    }

    [Test]
    public void APlatformOfAMultiArchImageIsTheArchivesPlatform()
    {
        var image = PushMulti();

        var r = Run("0", "scan", image, "--trivy", _trivy, "--platform", "linux/arm64");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        var archive = OciArchive.Read(Path.Combine(_trivyDir, "input-1.tar"));
        Assert.That(archive.Platform, Is.EqualTo("linux/arm64/v8"));
        Assert.That(archive.Files, Is.EqualTo(new[] { "etc/arm64.txt" }));
        NoTempLeft();
    }

    [Test]
    public void AllPlatformsScansEachPlatformAndMergesTheVerdicts()
    {
        var image = PushMulti();

        var r = Run("0 5", "scan", image, "--trivy", _trivy, "--all-platforms");

        Assert.That(r.ExitCode, Is.EqualTo(1), "one platform has findings: " + r);
        Assert.That(Runs, Is.EqualTo(2));
        Assert.That(OciArchive.Read(Path.Combine(_trivyDir, "input-1.tar")).Platform, Is.EqualTo("linux/amd64"));
        Assert.That(OciArchive.Read(Path.Combine(_trivyDir, "input-2.tar")).Platform, Is.EqualTo("linux/arm64/v8"));
        Assert.That(Args(1)[2], Is.Not.EqualTo(Args(2)[2]), "one archive per platform");
        Assert.That(r.StderrLines.Where(l => l.StartsWith("===", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            $"=== {image} linux/amd64 ===",
            $"=== {image} linux/arm64/v8 ===",
        }));
        Assert.That(r.Stdout, Is.EqualTo(string.Format(Report, 1) + string.Format(Report, 2)));
        NoTempLeft();

        ForgetRuns();
        Assert.That(Run("0 0", "scan", image, "--trivy", _trivy, "--all-platforms").ExitCode, Is.EqualTo(0));
        ForgetRuns();
        Assert.That(Run("1 5", "scan", image, "--trivy", _trivy, "--all-platforms").ExitCode, Is.EqualTo(2), "could-not-run wins over findings");
        Assert.That(Runs, Is.EqualTo(2), "the second platform is scanned after the first could not be");
        NoTempLeft();
    }

    [Test]
    public void SbomWritesTheFileAtomicallyAndPassesTheFormat()
    {
        var image = PushSingle();
        var output = _work.File("out.spdx.json");

        var r = Run("0", "sbom", image, "--trivy", _trivy, "--format", "spdx-json", "-o", output);

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        var args = Args();
        Assert.That(args, Has.Length.EqualTo(7), string.Join(' ', args));
        Assert.That(args[6], Does.StartWith(_work.Path + "/.out.spdx.json.").And.EndWith(".s3lo-tmp"));
        Assert.That(args, Is.EqualTo(new[] { "image", "--input", args[2], "--format", "spdx-json", "--output", args[6] }));
        Assert.That(File.ReadAllText(output), Is.EqualTo("{\"bomFormat\":\"stand-in\",\"run\":1}\n"));
        Assert.That(Directory.GetFiles(_work.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "out.spdx.json" }));
        NoTempLeft();
    }

    [Test]
    public void AFailedSbomLeavesNoFileAndExits2()
    {
        var image = PushSingle();
        var output = _work.File("out.cdx.json");

        var r = Run("1", "sbom", image, "--trivy", _trivy, "-o", output);

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(Args()[4], Is.EqualTo("cyclonedx"), "the default format");
        Assert.That(Directory.GetFiles(_work.Path), Is.Empty, "no SBOM and no temp file");
        NoTempLeft();
    }

    [Test]
    public void InCiWithoutTrivyOrTheFlagItExits2WithTheHint()
    {
        var image = PushSingle();
        var home = _work.Sub("home");

        var r = S3loBinary.Run(["scan", image], new Dictionary<string, string?>
        {
            ["CI"] = "true", ["HOME"] = home, ["PATH"] = "/usr/bin:/bin", ["TMPDIR"] = _tmp, ["S3LO_TRIVY"] = null,
        }, null);

        Assert.That(File.Exists("/usr/bin/trivy") || File.Exists("/bin/trivy"), Is.False, "this test needs a machine without trivy");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines, Is.EqualTo(new[]
        {
            "error: trivy not found: install it (https://trivy.dev) or run again with --install-trivy to put trivy 0.58.1 in ~/.local/bin/trivy",
        }));
        Assert.That(r.Stdout, Is.Empty);
        Assert.That(TempDir.FilesUnder(home), Is.Empty);
        NoTempLeft();
    }

    [Test]
    public void InstallTrivyDownloadsFromTheMirrorThenRuns()
    {
        var image = PushSingle();
        var home = _work.Sub("home");
        var release = new TrivyReleaseFiles("0.58.1", "Linux-64bit.tar.gz", Encoding.UTF8.GetBytes(StandIn));
        using var mirror = new LoopbackHttpServer(release.Serve);

        var r = S3loBinary.Run(["scan", image, "--install-trivy"], new Dictionary<string, string?>
        {
            ["CI"] = "true", ["HOME"] = home, ["PATH"] = "/usr/bin:/bin", ["TMPDIR"] = _tmp, ["S3LO_TRIVY"] = null,
            ["S3LO_TRIVY_MIRROR"] = $"http://{mirror.Authority}", ["STANDIN_EXITS"] = "0",
        }, null);

        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString);
        var installed = Path.Combine(home, ".local", "bin", "trivy");
        Assert.That(File.ReadAllBytes(installed), Is.EqualTo(release.Executable));
        Assert.That(File.GetUnixFileMode(installed), Is.EqualTo((UnixFileMode)0b111_101_101));
        Assert.That(mirror.Requests.Select(q => q.Path), Is.EqualTo(new[] { release.ChecksumsPath, release.ArchivePath }));
        Assert.That(r.Stdout, Is.EqualTo(string.Format(Report, 1)), "the installed trivy ran");
        Assert.That(File.ReadAllLines(Path.Combine(home, ".local", "bin", "args-1.txt"))[0], Is.EqualTo("image"));
        NoTempLeft();
    }

    [Test]
    public void ATamperedDownloadIsRefusedWithExit2AndNothingInstalled()
    {
        var image = PushSingle();
        var home = _work.Sub("home");
        var release = new TrivyReleaseFiles("0.58.1", "Linux-64bit.tar.gz", Encoding.UTF8.GetBytes(StandIn));
        release.Archive = TrivyReleaseFiles.TarGz(("trivy", Encoding.UTF8.GetBytes("#!/bin/sh\necho pwned\n")));
        using var mirror = new LoopbackHttpServer(release.Serve);

        var r = S3loBinary.Run(["scan", image, "--install-trivy"], new Dictionary<string, string?>
        {
            ["CI"] = "true", ["HOME"] = home, ["PATH"] = "/usr/bin:/bin", ["TMPDIR"] = _tmp, ["S3LO_TRIVY"] = null,
            ["S3LO_TRIVY_MIRROR"] = $"http://{mirror.Authority}",
        }, null);

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines.First(l => l.StartsWith("error:", StringComparison.Ordinal)),
            Does.Contain(TrivyReleaseFiles.Hex(release.Archive)).And.Contain("refusing"));
        Assert.That(TempDir.FilesUnder(home), Is.Empty);
        NoTempLeft();
    }

    [Test]
    public void OnATerminalItAsksBeforeInstalling()
    {
        var image = PushSingle();
        var home = _work.Sub("home");
        var release = new TrivyReleaseFiles("0.58.1", "Linux-64bit.tar.gz", Encoding.UTF8.GetBytes(StandIn));
        using var mirror = new LoopbackHttpServer(release.Serve);
        // script(1) gives s3lo a pseudo-terminal for stdin and stderr, as a person at a shell has; CI is unset.
        RunResult OnTerminal(string answer) => Processes.Run("/usr/bin/script", ["-qec", $"{S3loBinary.Path} scan {image}", "/dev/null"],
            new Dictionary<string, string?>
            {
                ["CI"] = null, ["HOME"] = home, ["PATH"] = "/usr/bin:/bin", ["TMPDIR"] = _tmp, ["S3LO_TRIVY"] = null,
                ["S3LO_TRIVY_MIRROR"] = $"http://{mirror.Authority}", ["STANDIN_EXITS"] = "0",
            }, stdin: new MemoryStream(Encoding.UTF8.GetBytes(answer + "\n")), timeout: TimeSpan.FromMinutes(2));

        var no = OnTerminal("n");
        Assert.That(no.ExitCode, Is.EqualTo(2), no.ToString);
        Assert.That(no.Stdout, Does.Contain("Trivy is not installed. Install trivy 0.58.1 to ~/.local/bin/trivy? [Y/n]"));
        Assert.That(no.Stdout, Does.Contain("error: trivy not found and not installed"));
        Assert.That(mirror.Requests, Is.Empty, "no download after no");
        Assert.That(TempDir.FilesUnder(home), Is.Empty);

        var yes = OnTerminal("");
        Assert.That(yes.ExitCode, Is.EqualTo(0), yes.ToString);
        Assert.That(yes.Stdout, Does.Contain("stand-in report line 1"), "the installed trivy ran");
        Assert.That(File.ReadAllBytes(Path.Combine(home, ".local", "bin", "trivy")), Is.EqualTo(release.Executable));
        NoTempLeft();
    }

    [Test]
    public void AMissingReleaseIsOneLineNamingTheUrlAndStatus()
    {
        var image = PushSingle();
        var home = _work.Sub("home");
        var release = new TrivyReleaseFiles("0.58.1", "Linux-64bit.tar.gz", Encoding.UTF8.GetBytes(StandIn));
        using var mirror = new LoopbackHttpServer(release.Serve);

        var r = S3loBinary.Run(["scan", image, "--install-trivy"], new Dictionary<string, string?>
        {
            ["CI"] = "true", ["HOME"] = home, ["PATH"] = "/usr/bin:/bin", ["TMPDIR"] = _tmp, ["S3LO_TRIVY"] = null,
            ["S3LO_TRIVY_MIRROR"] = $"http://{mirror.Authority}/", ["S3LO_TRIVY_VERSION"] = "0.0.404",
        }, null);

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines.Where(l => !l.StartsWith("installing trivy", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            $"error: could not download http://{mirror.Authority}/v0.0.404/trivy_0.0.404_checksums.txt: HTTP 404 Not Found",
        }));
        Assert.That(TempDir.FilesUnder(home), Is.Empty);
        NoTempLeft();
    }

    [Test]
    public void AMultiArchImageOnCephIsScannedPerPlatform()
    {
        using var bucket = S3Server.CreateBucket();
        var layout = _work.Sub("layout-ceph");
        MultiArchLayouts.Write(layout, "multi");
        var copy = S3loBinary.Run("copy", $"oci:{layout}:multi", bucket.Ref("app:multi"), "--endpoint", S3Server.Endpoint);
        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.ToString);

        var r = Run("5 0", "scan", bucket.Ref("app:multi"), "--endpoint", S3Server.Endpoint, "--trivy", _trivy, "--all-platforms");

        Assert.That(r.ExitCode, Is.EqualTo(1), r.ToString);
        Assert.That(OciArchive.Read(Path.Combine(_trivyDir, "input-1.tar")).Files, Is.EqualTo(new[] { "etc/amd64.txt" }));
        Assert.That(OciArchive.Read(Path.Combine(_trivyDir, "input-2.tar")).Files, Is.EqualTo(new[] { "etc/arm64.txt" }));
        NoTempLeft();
    }

    [Test]
    public void CtrlCKillsTrivyAndRemovesTheTempArchive()
    {
        var image = PushSingle();
        var start = new ProcessStartInfo(S3loBinary.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "scan", image, "--trivy", _trivy }) start.ArgumentList.Add(a);
        start.Environment["TMPDIR"] = _tmp;
        start.Environment["CI"] = "true";
        start.Environment["STANDIN_SLEEP"] = "60";
        using var s3lo = Process.Start(start)!;
        var stderr = s3lo.StandardError.ReadToEndAsync();
        var argsFile = Path.Combine(_trivyDir, "args-1.txt");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(argsFile))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "trivy was never started");
            Thread.Sleep(50);
        }
        var archive = Args()[2];
        var trivyPid = int.Parse(File.ReadAllText(Path.Combine(_trivyDir, "pid-1")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(File.Exists(archive), Is.True, "the archive exists while trivy runs");

        using (var kill = Process.Start("kill", ["-INT", s3lo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();

        Assert.That(s3lo.WaitForExit(TimeSpan.FromSeconds(30)), Is.True, "s3lo stops on SIGINT");
        Assert.That(s3lo.ExitCode, Is.EqualTo(130), stderr.Result);
        Assert.That(Directory.Exists($"/proc/{trivyPid}"), Is.False, "trivy was killed with it");
        Assert.That(File.Exists(archive), Is.False);
        NoTempLeft();
    }

    [Test]
    public void ATimeoutIsCouldNotRunNotFindings()
    {
        var image = PushSingle();

        var r = S3loBinary.Run(["scan", image, "--trivy", _trivy, "--timeout", "5s"],
            new Dictionary<string, string?> { ["TMPDIR"] = _tmp, ["STANDIN_SLEEP"] = "60", ["S3LO_TRIVY"] = null }, null);

        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo("error: timed out after 5s"));
        var trivyPid = int.Parse(File.ReadAllText(Path.Combine(_trivyDir, "pid-1")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(Directory.Exists($"/proc/{trivyPid}"), Is.False, "trivy was killed");
        NoTempLeft();
    }

    [Test]
    public void BadInputIsAUsageErrorBeforeAnythingRuns()
    {
        var r = Run("0", "scan", _store.Ref("app"), "--trivy", _trivy);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Does.Contain("has no tag or digest"));

        r = Run("0", "scan", _store.Ref("app:v1"), "--trivy", _trivy, "--severity", "HIGH,SEVERE");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo("error: --severity: 'SEVERE' is not a severity"));

        r = Run("0", "scan", _store.Ref("app:v1"), "--trivy", _work.File("no-such-trivy"));
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(r.StderrLines[0], Is.EqualTo($"error: --trivy {_work.File("no-such-trivy")} does not exist"));

        r = Run("0", "sbom", _store.Ref("app:v1"), "--trivy", _trivy, "--format", "table");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString);
        Assert.That(Runs, Is.EqualTo(0), "trivy never ran");
    }

    [Test]
    public void AnImageThatIsNotThereCouldNotBeScanned()
    {
        var r = Run("0", "scan", _store.Ref("app:missing"), "--trivy", _trivy);

        Assert.That(r.ExitCode, Is.EqualTo(2), "1 would mean findings: " + r);
        Assert.That(r.StderrLines[0], Does.StartWith("error: "));
        Assert.That(Runs, Is.EqualTo(0));
        NoTempLeft();
    }

    /// <summary>An OCI archive as trivy reads it: index.json → manifest → config, every blob's digest checked.</summary>
    private sealed record OciArchive(string Platform, int Layers, IReadOnlyList<string> Files)
    {
        public static OciArchive Read(string path)
        {
            var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            using (var file = File.OpenRead(path))
            using (var tar = new TarReader(file))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                    using var content = new MemoryStream();
                    entry.DataStream?.CopyTo(content);
                    entries[entry.Name.TrimStart('.', '/')] = content.ToArray();
                }
            }
            Assert.That(entries.ContainsKey("oci-layout"), Is.True, "an OCI layout");
            foreach (var (name, bytes) in entries.Where(e => e.Key.StartsWith("blobs/sha256/", StringComparison.Ordinal)))
                Assert.That(Convert.ToHexStringLower(SHA256.HashData(bytes)), Is.EqualTo(name["blobs/sha256/".Length..]), $"{name} has its digest");
            byte[] Blob(JsonElement descriptor) => entries["blobs/sha256/" + descriptor.GetProperty("digest").GetString()!["sha256:".Length..]];

            using var index = JsonDocument.Parse(entries["index.json"]);
            var roots = index.RootElement.GetProperty("manifests").EnumerateArray().ToList();
            Assert.That(roots, Has.Count.EqualTo(1), "one image");
            using var manifest = JsonDocument.Parse(Blob(roots[0]));
            Assert.That(manifest.RootElement.TryGetProperty("manifests", out _), Is.False, "a single-platform manifest, not an index");
            using var config = JsonDocument.Parse(Blob(manifest.RootElement.GetProperty("config")));
            var c = config.RootElement;
            var platform = $"{c.GetProperty("os").GetString()}/{c.GetProperty("architecture").GetString()}"
                + (c.TryGetProperty("variant", out var v) ? "/" + v.GetString() : "");
            var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().ToList();
            var files = new List<string>();
            foreach (var layer in layers)
            {
                using var raw = new MemoryStream(Blob(layer));
                using Stream content = layer.GetProperty("mediaType").GetString()!.EndsWith("+gzip", StringComparison.Ordinal)
                    ? new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionMode.Decompress) : raw;
                using var layerTar = new TarReader(content);
                while (layerTar.GetNextEntry() is { } e) if (e.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile) files.Add(e.Name);
            }
            return new OciArchive(platform, layers.Count, files);
        }
    }
}
