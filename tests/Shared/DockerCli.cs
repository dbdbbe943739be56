using System.Formats.Tar;
using System.Text.Json;

namespace S3lo.Tests.Shared;

/// <summary>The docker CLI, for arranging and checking daemon state in tests only (product code never runs it).</summary>
public static class DockerCli
{
    private static readonly Dictionary<string, string?> ClassicBuilder = new() { ["DOCKER_BUILDKIT"] = "0" };

    public static void RequireDaemon()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")))
            Assert.Fail("DOCKER_HOST is not set: start the test services (eng/services.sh start docker) and eval \"$(eng/services.sh env)\"");
        var r = Run("version", "--format", "{{.Server.Version}}");
        if (r.ExitCode != 0) Assert.Fail("the Docker daemon does not answer: " + r);
    }

    public static RunResult Run(params string[] args) => RunIn(null, args);

    public static RunResult RunIn(string? workingDirectory, params string[] args) =>
        Processes.Run("docker", args, ClassicBuilder, workingDirectory, timeout: TimeSpan.FromMinutes(5));

    public static RunResult MustRun(params string[] args) => MustRunIn(null, args);

    public static RunResult MustRunIn(string? workingDirectory, params string[] args)
    {
        var r = RunIn(workingDirectory, args);
        Assert.That(r.ExitCode, Is.EqualTo(0), () => $"docker {string.Join(' ', args)} failed: {r}");
        return r;
    }

    public static bool ImageExists(string nameOrId) => Run("image", "inspect", nameOrId).ExitCode == 0;

    /// <summary>The image's ID (its config digest), as <c>sha256:...</c>.</summary>
    public static string ImageId(string name) => MustRun("image", "inspect", "--format", "{{.Id}}", name).Stdout.Trim();

    public static string[] DiffIds(string name)
    {
        var json = MustRun("image", "inspect", "--format", "{{json .RootFS.Layers}}", name).Stdout.Trim();
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>Removes images by name or ID; missing ones are no error (cleanup after a test that failed early).</summary>
    public static void RemoveImage(params string[] namesOrIds)
    {
        foreach (var name in namesOrIds) Run("rmi", "-f", name);
    }

    /// <summary>A file from an image's filesystem, through a created (never started) container.</summary>
    public static byte[] ReadFile(string image, string path)
    {
        var container = MustRun("create", image, "none").Stdout.Trim();
        var dir = Directory.CreateTempSubdirectory("s3lo-cp-").FullName;
        try
        {
            MustRun("cp", $"{container}:{path}", dir);
            return File.ReadAllBytes(Path.Combine(dir, Path.GetFileName(path)));
        }
        finally
        {
            Run("rm", "-f", container);
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Imports a one-layer image made of the given files (path → content).</summary>
    public static void Import(string name, IReadOnlyDictionary<string, byte[]> files)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(content), Mode = (UnixFileMode)0b110_100_100 };
                entry.ModificationTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
                writer.WriteEntry(entry);
            }
        }
        tar.Position = 0;
        var r = Processes.Run("docker", ["import", "-", name], stdin: tar);
        Assert.That(r.ExitCode, Is.EqualTo(0), () => "docker import failed: " + r);
    }

    /// <summary>Builds FROM base with one COPY layer per file (classic builder, no network).</summary>
    public static void BuildLayers(string name, string baseImage, IReadOnlyList<(string Path, byte[] Content)> layers)
    {
        var dir = Directory.CreateTempSubdirectory("s3lo-build-").FullName;
        try
        {
            var dockerfile = new System.Text.StringBuilder($"FROM {baseImage}\n");
            for (var i = 0; i < layers.Count; i++)
            {
                File.WriteAllBytes(Path.Combine(dir, $"f{i}"), layers[i].Content);
                dockerfile.Append($"COPY f{i} {layers[i].Path}\n");
            }
            File.WriteAllText(Path.Combine(dir, "Dockerfile"), dockerfile.ToString());
            MustRun("build", "-q", "-t", name, dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
