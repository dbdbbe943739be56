namespace S3lo.Cli.Output;

/// <summary>Progress for logs: a line per finished blob ("uploaded 3f2a1b4c5d6e 120 MB in 1.4 s"), nothing redrawn.</summary>
public sealed class PlainProgressView(TextWriter writer)
{
    private readonly Lock _lock = new();

    public void Finished(TransferRow row) => Line(TransferRowText.Plain(row));

    public void Line(string text)
    {
        lock (_lock)
        {
            writer.WriteLine(TerminalText.Escape(text));
            writer.Flush();
        }
    }
}
