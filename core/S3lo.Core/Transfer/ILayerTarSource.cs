namespace S3lo.Core.Transfer;

/// <summary>
/// A source that builds its image from plain layer tars it reads once, in a stream (a <c>docker save</c>
/// export or file). It has no stored form of its own: the engine hands it a <see cref="LayerEncoder"/>
/// before asking for the root, and the source streams each new layer tar into it, so every layer is
/// stored the way the destination wants and layers the destination holds are not encoded at all.
/// </summary>
public interface ILayerTarSource
{
    void EncodeLayersWith(LayerEncoder encoder);
}
