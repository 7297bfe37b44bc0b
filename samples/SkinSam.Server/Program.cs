using SkinSam.Server;

WebApplication app = ServerApp.Build(args);
await app.RunAsync().ConfigureAwait(false);
