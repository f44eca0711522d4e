using ComfySharp.Engine.Execution;

namespace ComfySharp.Server.Hosting;

/// <summary>Hosts the engine's single prompt worker; stopping the host interrupts the running prompt.</summary>
internal sealed class WorkerService(PromptWorker worker) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => worker.RunAsync(stoppingToken);
}
