using System.Threading.Channels;
using S3lo.Core.Oci;

namespace S3lo.Core.Transfer;

/// <summary>
/// A source that builds its root slowly and has blobs ready before it (a push compressing layers
/// while the export streams in): the engine uploads them while <see cref="IImageSource.GetRootAsync"/>
/// is still running. The source completes the channel when its root is done (or failed).
/// </summary>
public interface IEarlyBlobSource
{
    ChannelReader<Descriptor> ReadyBlobs { get; }
}

/// <summary>A destination that takes blobs before <see cref="IImageDestination.PrepareAsync"/> (a bucket: blobs are content-addressed).</summary>
public interface IEarlyBlobDestination;
