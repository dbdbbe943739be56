using System.Text.Json;
using S3lo.Core.Digests;
using S3lo.Core.Errors;

namespace S3lo.Docker.Engine;

/// <summary>
/// Reads the JSON message stream of <c>POST /images/load</c> line by line, as it arrives: "Loading layer"
/// progress, the "Loaded image ID: ..." and "Loaded image: ..." results, and the error that ends a failed load.
/// </summary>
internal sealed class DockerLoadMessages
{
    private const string LoadedId = "Loaded image ID: ";
    private const string LoadedName = "Loaded image: ";
    private readonly List<Digest> _ids = [];
    private readonly List<string> _names = [];

    /// <summary>The "Loaded image..." lines as the daemon wrote them.</summary>
    public List<string> Loaded { get; } = [];

    /// <summary>Takes one line; returns the layer progress it reports, if any. An error line throws.</summary>
    public DockerLoadProgress? Read(ReadOnlySpan<byte> line)
    {
        line = line.Trim(" \r\t"u8);
        if (line.IsEmpty) return null;
        DockerJsonMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(line, DockerJsonContext.Default.DockerJsonMessage);
        }
        catch (JsonException)
        {
            return null; // not a JSON message: nothing the daemon meant as a result or an error
        }
        var error = message?.ErrorDetail?.Message ?? message?.Error;
        if (!string.IsNullOrEmpty(error))
            throw new S3loException($"the Docker daemon could not load the image: {error.ReplaceLineEndings(" ").Trim()}");
        if (message?.ProgressDetail is { Total: > 0 } detail && !string.IsNullOrEmpty(message.Id))
            return new DockerLoadProgress(message.Id, Math.Clamp(detail.Current, 0, detail.Total), detail.Total);
        var text = message?.Stream?.Trim();
        if (text is null) return null;
        if (text.StartsWith(LoadedId, StringComparison.Ordinal) && Digest.TryParse(text[LoadedId.Length..].Trim(), out var id))
        {
            _ids.Add(id);
            Loaded.Add(text);
        }
        else if (text.StartsWith(LoadedName, StringComparison.Ordinal))
        {
            _names.Add(text[LoadedName.Length..].Trim());
            Loaded.Add(text);
        }
        return null;
    }

    public DockerLoadResult Result() =>
        _ids.Count == 0 && _names.Count == 0
            ? throw new S3loException("the Docker daemon reported no loaded image")
            : new DockerLoadResult(_ids, _names);
}
