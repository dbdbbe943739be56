using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace S3lo.Cli.Output;

/// <summary>Writes a result as JSON or YAML on stdout; YAML is produced from the same JSON so both always agree.</summary>
public static class StructuredWriter
{
    private static readonly CliJsonContext Context = new(new JsonSerializerOptions(CliJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static bool TryWrite<T>(OutputFormat format, T value, Func<CliJsonContext, JsonTypeInfo<T>> type)
    {
        if (format == OutputFormat.Text) return false;
        var json = JsonSerializer.SerializeToUtf8Bytes(value, type(Context));
        if (format == OutputFormat.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(json);
            stdout.Write("\n"u8);
        }
        else
        {
            using var doc = JsonDocument.Parse(json);
            var yaml = new StringBuilder();
            YamlEmitter.Write(doc.RootElement, yaml, 0, inSequence: false);
            Console.Out.Write(yaml.ToString());
        }
        return true;
    }
}
