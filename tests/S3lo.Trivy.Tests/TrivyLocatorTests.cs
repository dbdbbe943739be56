using S3lo.Core.Errors;
using S3lo.Trivy;

namespace S3lo.Trivy.Tests;

/// <summary>Which trivy runs, on real files: --trivy, then S3LO_TRIVY, then PATH, then ~/.local/bin.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TrivyLocatorTests
{
    private TempDir _root = null!;
    private Dictionary<string, string?> _environment = null!;

    [SetUp]
    public void Create()
    {
        _root = new TempDir("trivy-locate");
        _environment = new() { ["HOME"] = _root.Sub("home"), ["PATH"] = "" };
    }

    [TearDown]
    public void Delete() => _root.Dispose();

    private TrivyLocator Locator => new(n => _environment.GetValueOrDefault(n));

    private string Executable(string directory)
    {
        var path = Path.Combine(_root.Sub(directory), "trivy");
        File.WriteAllText(path, "#!/bin/sh\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    }

    [Test]
    public void EachPlaceWinsOverTheOnesAfterIt()
    {
        var home = Path.Combine(_environment["HOME"]!, ".local", "bin");
        Directory.CreateDirectory(home);
        var installed = Path.Combine(home, "trivy");
        File.WriteAllText(installed, "#!/bin/sh\n");
        File.SetUnixFileMode(installed, (UnixFileMode)0b111_101_101);
        Assert.That(Locator.Locate(null), Is.EqualTo(installed), "~/.local/bin last");

        var onPath = Executable("path-b");
        _environment["PATH"] = $"{_root.Sub("path-a")}:{Path.GetDirectoryName(onPath)}";
        Assert.That(Locator.Locate(null), Is.EqualTo(onPath), "PATH before ~/.local/bin");

        var fromEnv = Executable("env");
        _environment[TrivyLocator.PathVariable] = fromEnv;
        Assert.That(Locator.Locate(null), Is.EqualTo(fromEnv), "S3LO_TRIVY before PATH");

        var fromFlag = Executable("flag");
        Assert.That(Locator.Locate(fromFlag), Is.EqualTo(fromFlag), "--trivy before S3LO_TRIVY");
    }

    [Test]
    public void NothingAnywhereIsNull() => Assert.That(Locator.Locate(null), Is.Null);

    [Test]
    public void ANonExecutableOnPathIsPassedOver()
    {
        var path = Path.Combine(_root.Sub("plain"), "trivy");
        File.WriteAllText(path, "not executable");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _environment["PATH"] = Path.GetDirectoryName(path);
        Assert.That(Locator.Locate(null), Is.Null);
    }

    [Test]
    public void AFlagPathThatDoesNotExistIsAUsageErrorNamingIt()
    {
        var missing = _root.File("nope/trivy");
        var e = Assert.Throws<UsageException>(() => Locator.Locate(missing))!;
        Assert.That(e.Message, Is.EqualTo($"--trivy {missing} does not exist"));
    }

    [Test]
    public void AnEnvPathThatIsNotExecutableIsAUsageErrorNamingIt()
    {
        var plain = _root.File("trivy-plain");
        File.WriteAllText(plain, "x");
        File.SetUnixFileMode(plain, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _environment[TrivyLocator.PathVariable] = plain;
        // A working trivy on PATH does not hide the mistake.
        _environment["PATH"] = Path.GetDirectoryName(Executable("path"));

        var e = Assert.Throws<UsageException>(() => Locator.Locate(null))!;
        Assert.That(e.Message, Is.EqualTo($"S3LO_TRIVY {plain} is not executable"));
    }

    [Test]
    public void HomeIsHonouredForTheInstallPath() =>
        Assert.That(Locator.InstallPath, Is.EqualTo(Path.Combine(_environment["HOME"]!, ".local", "bin", "trivy")));
}
