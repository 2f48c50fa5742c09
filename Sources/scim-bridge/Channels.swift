import ArgumentParser
import Foundation
import Membership
import SCIM
import Server
import Store

/// `scim-bridge channels …`: create, list, rotate credentials of, and delete inbound channels.
struct Channels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage channels: one inbound SCIM endpoint (/scim/v2/NAME) each, with its own credentials and data.",
        subcommands: [Create.self, List.self, RotateToken.self, BasicCredentials.self, OAuthClient.self, Delete.self]
    )

    /// Channel names become URL path segments: keep them simple.
    static func validate(name: String) throws {
        let ok =
            !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }
            && name.first != "-"
        guard ok else {
            throw ValidationError("Channel name '\(name)' is invalid: use 1-64 lowercase letters, digits, '-' or '_'.")
        }
    }

    static func channel(_ name: String, in store: any Store) async throws -> Channel {
        guard let channel = try await store.channel(named: name) else {
            throw CLIError("There is no channel named '\(name)'; 'scim-bridge channels list' shows them.")
        }
        return channel
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a channel and print its bearer token alone on standard output (shown once)."
        )
        @Argument(help: "The channel name, used in the base URL /scim/v2/NAME.") var name: String
        @OptionGroup var location: StoreLocation

        func validate() throws { try Channels.validate(name: name) }

        func run() async throws {
            try await location.withStore(create: true) { s in try await create(in: s) }
        }

        func create(in s: any BridgeStore) async throws {
            guard try await s.channel(named: name) == nil else {
                throw CLIError(
                    "A channel named '\(name)' already exists; use 'channels rotate-token \(name)' for a new token."
                )
            }
            let channel = try await s.createChannel(named: name)
            let token = try await CredentialIssuer(store: s).issueBearerToken(for: channel)
            FileHandle.standardError.write(
                Data("Created channel '\(name)' (base URL /scim/v2/\(name)). Its bearer token, shown once:\n".utf8)
            )
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List channels and their credential methods.")
        @OptionGroup var location: StoreLocation

        func run() async throws {
            try await location.withStore { s in
                for channel in try await s.channels() {
                    let kinds = Set(try await s.credentials(of: channel).map(\.kind.rawValue)).sorted().joined(
                        separator: ","
                    )
                    print(
                        "\(channel.name)\t/scim/v2/\(channel.name)\t\(kinds.isEmpty ? "no credentials" : kinds)\tcreated \(channel.created.iso8601)"
                    )
                }
            }
        }
    }

    struct RotateToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-token",
            abstract: "Replace a channel's bearer token; prints the new token alone on standard output."
        )
        @Argument(help: "The channel name.") var name: String
        @OptionGroup var location: StoreLocation

        func run() async throws {
            try await location.withStore { s in
                let channel = try await Channels.channel(name, in: s)
                print(try await CredentialIssuer(store: s).issueBearerToken(for: channel, replacing: true))
            }
        }
    }

    struct BasicCredentials: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "basic-credentials",
            abstract: "Issue HTTP Basic credentials for a channel (replacing earlier ones); prints 'USER PASSWORD'."
        )
        @Argument(help: "The channel name.") var name: String
        @OptionGroup var location: StoreLocation

        func run() async throws {
            try await location.withStore { s in
                let channel = try await Channels.channel(name, in: s)
                let c = try await CredentialIssuer(store: s).issueBasicCredentials(for: channel, replacing: true)
                print("\(c.username) \(c.password)")
            }
        }
    }

    struct OAuthClient: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "oauth-client",
            abstract:
                "Issue an OAuth 2 client id and secret for a channel (client credentials grant at /oauth/token); prints 'CLIENT_ID CLIENT_SECRET'."
        )
        @Argument(help: "The channel name.") var name: String
        @OptionGroup var location: StoreLocation

        func run() async throws {
            try await location.withStore { s in
                let channel = try await Channels.channel(name, in: s)
                let c = try await CredentialIssuer(store: s).issueOAuthClient(for: channel, replacing: true)
                print("\(c.clientID) \(c.clientSecret)")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a channel with all its users, groups and credentials."
        )
        @Argument(help: "The channel name.") var name: String
        @OptionGroup var location: StoreLocation

        func run() async throws {
            try await location.withStore { s in
                guard try await s.deleteChannel(named: name) else {
                    throw CLIError("There is no channel named '\(name)'.")
                }
                FileHandle.standardError.write(Data("Deleted channel '\(name)'.\n".utf8))
            }
        }
    }
}
