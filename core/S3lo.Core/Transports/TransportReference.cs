namespace S3lo.Core.Transports;

/// <summary>A parsed reference of one transport: it prints itself and says what the other end may need of it.</summary>
public abstract record TransportReference(IImageTransport Transport)
{
    /// <summary>The reference as the user reads it back (normalized: <c>docker.io/library/alpine:3</c>).</summary>
    public abstract string Describe();

    /// <summary>The docker-style NAME:TAG it implies, for destinations that name what they hold; null when none.</summary>
    public virtual string? RepoTag => null;

    /// <summary>The registry host (<c>docker.io</c>, <c>127.0.0.1:5000</c>) when this is a registry reference.</summary>
    public virtual string? Registry => null;

    public sealed override string ToString() => Describe();
}
