using System.Text;
using System.Text.Json;

namespace S3lo.Cli.Output;

/// <summary>A small JSON → YAML block-style emitter for command results (strings always quoted where YAML could misread them).</summary>
internal static class YamlEmitter
{
    public static void Write(JsonElement element, StringBuilder output, int indent, bool inSequence)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (!element.EnumerateObject().Any())
                {
                    output.Append("{}\n");
                    return;
                }
                var first = true;
                foreach (var property in element.EnumerateObject())
                {
                    if (!(first && inSequence)) output.Append(' ', indent);
                    first = false;
                    output.Append(Scalar(property.Name)).Append(':');
                    WriteValue(property.Value, output, indent);
                }
                return;
            case JsonValueKind.Array:
                if (element.GetArrayLength() == 0)
                {
                    output.Append("[]\n");
                    return;
                }
                foreach (var item in element.EnumerateArray())
                {
                    output.Append(' ', indent).Append("- ");
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && HasItems(item))
                        Write(item, output, indent + 2, inSequence: true);
                    else
                        output.Append(ScalarOf(item)).Append('\n');
                }
                return;
            default:
                output.Append(ScalarOf(element)).Append('\n');
                return;
        }
    }

    private static void WriteValue(JsonElement value, StringBuilder output, int indent)
    {
        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && HasItems(value))
        {
            output.Append('\n');
            Write(value, output, value.ValueKind == JsonValueKind.Object ? indent + 2 : indent, inSequence: false);
        }
        else
        {
            output.Append(' ').Append(ScalarOf(value)).Append('\n');
        }
    }

    private static bool HasItems(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object ? e.EnumerateObject().Any() : e.GetArrayLength() > 0;

    private static string ScalarOf(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => Scalar(e.GetString()!),
        JsonValueKind.Null => "null",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Object => "{}",
        JsonValueKind.Array => "[]",
        _ => e.GetRawText(),
    };

    private static string Scalar(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/') && !LooksTyped(s)
            ? s
            : Quote(s);

    private static string Quote(string s)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\t': quoted.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) quoted.Append($"\\u{(int)c:x4}");
                    else quoted.Append(c);
                    break;
            }
        }
        return quoted.Append('"').ToString();
    }

    // Plain scalars YAML would read as something other than a string.
    private static bool LooksTyped(string s) =>
        s is "true" or "false" or "null" or "yes" or "no" or "on" or "off" or "~" || double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out _);
}
