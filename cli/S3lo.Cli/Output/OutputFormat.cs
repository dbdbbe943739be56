using S3lo.Core.Errors;

namespace S3lo.Cli.Output;

public enum OutputFormat
{
    Text,
    Json,
    Yaml,
}

public static class OutputFormats
{
    public static OutputFormat Parse(string text) => text.ToLowerInvariant() switch
    {
        "text" => OutputFormat.Text,
        "json" => OutputFormat.Json,
        "yaml" => OutputFormat.Yaml,
        _ => throw new UsageException($"--output '{text}' is not a format", "choose text, json or yaml"),
    };
}
