using S3lo.Core.Errors;
using S3lo.Trivy;

namespace S3lo.Trivy.Tests;

/// <summary>The argument list and exit-code mapping, the verdict run against a real child process (a shell script).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TrivyScannerTests
{
    [Test]
    public void TheArgumentsAskForExitCode5OnFindingsAndPassTheDatabaseFlags() =>
        Assert.That(TrivyScanner.ScanArguments("/tmp/a.tar", ["HIGH", "CRITICAL"], "json", "/tmp/r.json",
                new TrivyDatabaseOptions { SkipDbUpdate = true, OfflineScan = true, CacheDir = "/var/trivy" }),
            Is.EqualTo(new[]
            {
                "image", "--input", "/tmp/a.tar", "--severity", "HIGH,CRITICAL", "--format", "json", "--exit-code", "5",
                "--output", "/tmp/r.json", "--skip-db-update", "--offline-scan", "--cache-dir", "/var/trivy",
            }));

    [TestCase(0, ScanVerdict.Clean)]
    [TestCase(5, ScanVerdict.Findings)]
    [TestCase(1, ScanVerdict.CouldNotRun)]
    [TestCase(3, ScanVerdict.CouldNotRun)]
    [TestCase(137, ScanVerdict.CouldNotRun)]
    public async Task TheExitCodeOfARealChildIsTheVerdict(int exitCode, ScanVerdict expected)
    {
        using var dir = new TempDir("trivy-verdict");
        var script = dir.File("trivy");
        File.WriteAllText(script, $"#!/bin/sh\necho report\nexit {exitCode}\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);

        var verdict = await new TrivyScanner(script).ScanArchiveAsync(dir.File("a.tar"), ["HIGH"], CancellationToken.None, passStdout: false);

        Assert.That(verdict, Is.EqualTo(expected));
    }

    [Test]
    public async Task CancellingKillsTheChild()
    {
        using var dir = new TempDir("trivy-cancel");
        var script = dir.File("trivy");
        var marker = dir.File("started");
        File.WriteAllText(script, $"#!/bin/sh\necho $$ > {marker}\nexec sleep 60\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        using var cancel = new CancellationTokenSource();

        var run = new TrivyScanner(script).ScanArchiveAsync(dir.File("a.tar"), ["HIGH"], cancel.Token, passStdout: false);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(marker) || File.ReadAllText(marker).Trim().Length == 0)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the stand-in never started");
            await Task.Delay(50);
        }
        var pid = int.Parse(File.ReadAllText(marker).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await cancel.CancelAsync();

        Assert.That(async () => await run, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Directory.Exists($"/proc/{pid}"), Is.False, "the child is gone");
    }

    [Test]
    public void ScanDefaultsToHighAndCriticalAndUnknownNamesAreUsageErrors()
    {
        Assert.That(Severities.Parse(Severities.Default), Is.EqualTo(new[] { "HIGH", "CRITICAL" }));
        Assert.That(Severities.Parse("critical, low,LOW"), Is.EqualTo(new[] { "LOW", "CRITICAL" }));
        Assert.That(Severities.Above("medium"), Is.EqualTo(new[] { "HIGH", "CRITICAL" }), "a policy's max_severity lets itself through");
        Assert.That(Severities.Above("CRITICAL"), Is.Empty);
        var e = Assert.Throws<UsageException>(() => Severities.Parse("HIGH,SEVERE"))!;
        Assert.That(e.Message, Is.EqualTo("--severity: 'SEVERE' is not a severity"));
    }
}
