using S3lo.Core.Errors;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;
using S3lo.Docker.Engine;

namespace S3lo.Docker.Daemon;

/// <summary>
/// <c>docker-daemon:IMAGE</c>: an image in the Docker daemon. As a source, any name the daemon knows
/// (<c>app:1</c>, an image ID); as a destination, the NAME[:TAG] the loaded image is tagged as (docker's
/// rule: no tag is <c>latest</c>). <c>push</c> and <c>pull</c> are copies from and to it.
/// </summary>
public sealed class DockerDaemonTransport : IImageTransport
{
    public const string Prefix = "docker-daemon:";

    public string Name => "docker-daemon";

    public string Syntax => "docker-daemon:NAME[:TAG]";

    public bool Claims(string text) => text.StartsWith(Prefix, StringComparison.Ordinal);

    public TransportReference Parse(string text, EndRole role)
    {
        var image = text[Prefix.Length..];
        if (image.Length == 0)
            throw new UsageException($"'{text}' names no image", "write docker-daemon:NAME[:TAG], e.g. docker-daemon:myapp:1.0");
        var named = SplitName(image);
        // A source may be anything the daemon resolves (an image ID too); a destination is a name to tag.
        if (named is null && role == EndRole.Destination)
            throw new UsageException($"'{image}' is not a valid local image name", "write NAME[:TAG] in lowercase, e.g. myapp:1.0");
        return new DaemonReference(this, image, named?.Repository, named?.Tag);
    }

    /// <summary>NAME[:TAG] as docker reads it (no tag is latest); null when the text is no such name.</summary>
    private static (string Repository, string Tag)? SplitName(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        var (repository, tag) = colon > slash ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
        if (repository.Length == 0 || tag.Length == 0 || image.Contains('@')
            || repository.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || char.IsAsciiLetterUpper(c))
            || repository.Equals("sha256", StringComparison.Ordinal))
            return null;
        return (repository, tag);
    }

    public async Task<IImageSource> OpenSourceAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var daemon = (DaemonReference)reference;
        var client = await ConnectAsync(session, ct).ConfigureAwait(false);
        return session.Own(new DockerDaemonSource(client, daemon.Image, session.Platform));
    }

    public async Task<IImageDestination> OpenDestinationAsync(TransportReference reference, TransportSession session, CancellationToken ct)
    {
        var daemon = (DaemonReference)reference;
        var client = await ConnectAsync(session, ct).ConfigureAwait(false);
        return session.Own(new DockerImageDestination(client, daemon.Repository!, daemon.Tag!, Path.GetTempPath()));
    }

    /// <summary>One connection per command, checked before anything else is read or written.</summary>
    private static async Task<DockerClient> ConnectAsync(TransportSession session, CancellationToken ct)
    {
        var connection = await session.SharedAsync(typeof(DockerConnection), async () =>
        {
            var client = new DockerClient();
            try
            {
                await client.PingAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                client.Dispose();
                throw;
            }
            return new DockerConnection(client);
        }).ConfigureAwait(false);
        return connection.Client;
    }

    private sealed record DaemonReference(IImageTransport Transport, string Image, string? Repository, string? Tag) : TransportReference(Transport)
    {
        public override string Describe() => Prefix + Image;

        public override string? RepoTag => Repository is null ? null : $"{Repository}:{Tag}";
    }

    /// <summary>The client as something the session disposes.</summary>
    private sealed class DockerConnection(DockerClient client) : IAsyncDisposable
    {
        public DockerClient Client { get; } = client;

        public ValueTask DisposeAsync()
        {
            Client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
