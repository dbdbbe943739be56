using S3lo.Core.Registry;

namespace S3lo.Core.Tests.Registry;

[TestFixture]
public class AuthChallengeTests
{
    [Test]
    public void ParsesADockerHubBearerChallenge()
    {
        var all = AuthChallenge.ParseAll("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\"");
        Assert.That(all, Has.Count.EqualTo(1));
        var c = all[0];
        Assert.Multiple(() =>
        {
            Assert.That(c.IsBearer, Is.True);
            Assert.That(c.Realm, Is.EqualTo("https://auth.docker.io/token"));
            Assert.That(c.Service, Is.EqualTo("registry.docker.io"));
            Assert.That(c.Scope, Is.EqualTo("repository:samalba/my-app:pull,push"));
        });
    }

    [Test]
    public void ParsesBasicWithSpacesAndCaseInsensitiveNames()
    {
        var c = AuthChallenge.ParseAll("basic  Realm = \"Registry Realm\" , charset=UTF-8")[0];
        Assert.Multiple(() =>
        {
            Assert.That(c.IsBasic, Is.True);
            Assert.That(c.Realm, Is.EqualTo("Registry Realm"));
            Assert.That(c.Parameters["charset"], Is.EqualTo("UTF-8"));
        });
    }

    [Test]
    public void UnescapesQuotedPairs()
    {
        var c = AuthChallenge.ParseAll("Bearer realm=\"https://a/t\",error=\"say \\\"no\\\"\"")[0];
        Assert.That(c.Parameters["error"], Is.EqualTo("say \"no\""));
    }

    [Test]
    public void SplitsSeveralChallengesInOneHeader()
    {
        var all = AuthChallenge.ParseAll("Basic realm=\"x\", Bearer realm=\"https://auth.example.com/token\",service=\"reg\", Negotiate");
        Assert.That(all.Select(c => c.Scheme), Is.EqualTo(new[] { "Basic", "Bearer", "Negotiate" }));
        Assert.That(all[1].Service, Is.EqualTo("reg"));
        Assert.That(all[2].Parameters, Is.Empty);
    }

    [Test]
    public void ParsesTheInsufficientScopeErrorForm()
    {
        var c = AuthChallenge.ParseAll("Bearer realm=\"http://127.0.0.1:5001/token\",service=\"s\",scope=\"repository:a/b:pull\",error=\"insufficient_scope\"")[0];
        Assert.That(c.Parameters["error"], Is.EqualTo("insufficient_scope"));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("Bearer realm=\"unterminated")]
    [TestCase("Bearer realm")]
    [TestCase("Bearer realm=")]
    [TestCase("Bearer realm=\"a\" garbage")]
    [TestCase("=\"x\"")]
    [TestCase("Bearer realm=https://unquoted/with/slashes")]
    [TestCase("Bearer realm=\"a\",realm=\"b\"")]
    [TestCase("Bearer realm=\"a\u0001b\"")]
    [TestCase("Bearer\u0000realm=\"a\"")]
    [TestCase("Bearer abc==")]
    [TestCase("Be@rer realm=\"a\"")]
    public void Refuses_malformed_headers(string header)
    {
        Assert.Throws<FormatException>(() => AuthChallenge.ParseAll(header));
        Assert.That(AuthChallenge.TryParseAll(header, out var none), Is.False);
        Assert.That(none, Is.Empty);
    }

    [Test]
    public void RefusesOversizedHeaders() =>
        Assert.Throws<FormatException>(() => AuthChallenge.ParseAll("Bearer realm=\"" + new string('a', AuthChallenge.MaxHeaderLength) + "\""));
}
