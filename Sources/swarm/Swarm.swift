import ArgumentParser

@main
struct Swarm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarm",
        abstract: "A BitTorrent client for the terminal.",
        subcommands: [
            OpenCommand.self, DownloadCommand.self, SeedCommand.self, InfoCommand.self, CreateCommand.self, TrackerCommand.self,
            DemoCommand.self,
            DaemonCommand.self, AddCommand.self, ListCommand.self, PauseCommand.self, ResumeCommand.self,
            RecheckCommand.self, RemoveCommand.self, LimitCommand.self, PriorityCommand.self, FilesCommand.self,
            FilePriorityCommand.self, MoveCommand.self, SetCommand.self, ShutdownCommand.self,
            UIPreviewCommand.self,
            UIBenchCommand.self, AttachBenchCommand.self,
        ],
        defaultSubcommand: OpenCommand.self
    )
}
