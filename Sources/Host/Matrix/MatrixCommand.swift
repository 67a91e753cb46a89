import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Tenant

/// `aviary matrix`: the host's Matrix application service.
struct MatrixCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Set up the Matrix application service of the host's platform: matrix bots.",
        subcommands: [Registration.self, RegisterPeople.self]
    )

    /// The `matrix:` section of the host config at `path`.
    static func matrixConfig(_ path: String) throws -> MatrixConfig {
        guard let matrix = try HostConfig.load(path: path).matrix else {
            throw ValidationError("\(path) has no matrix: section; declare the application service there first")
        }
        return matrix
    }

    /// `aviary matrix registration`: the registration file for the homeserver.
    struct Registration: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "registration",
            abstract: "Print the application-service registration YAML for the homeserver's app_service_config_files."
        )

        @Option(name: .customLong("config"), help: "The host config file declaring matrix:.")
        var configPath: String = "aviary.yaml"

        func run() async throws {
            print(try MatrixCommand.matrixConfig(configPath).registrationYAML, terminator: "")
        }
    }

    /// `aviary matrix register-people`: test and demo accounts through Synapse's shared-secret
    /// admin registration (`/_synapse/admin/v1/register`).
    struct RegisterPeople: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register-people",
            abstract: "Create test or demo accounts on a Synapse homeserver (shared-secret registration)."
        )

        @Option(name: .customLong("config"), help: "The host config file declaring matrix:.")
        var configPath: String = "aviary.yaml"

        @Option(help: "A file holding Synapse's registration_shared_secret.")
        var sharedSecretFile: String

        @Option(help: "The accounts' password.")
        var password: String

        @Argument(help: "The localparts to create (ann bob).")
        var names: [String]

        func run() async throws {
            let matrix = try MatrixCommand.matrixConfig(configPath)
            guard case .success(let read) = TokenFile.read(sharedSecretFile) else {
                throw ValidationError("cannot read the shared secret file \(sharedSecretFile)")
            }
            let secret = read.trimmingCharacters(in: .whitespacesAndNewlines)
            for name in names {
                guard !name.isEmpty, name.count <= 200, name.allSatisfy(MatrixLocalpart.isAllowed) else {
                    throw ValidationError("'\(name.prefix(60))' is not a Matrix localpart")
                }
                let token = try await SynapseAdminRegistration.register(
                    name,
                    password: password,
                    secret: secret,
                    homeserver: matrix.homeserver
                )
                print("@\(name):\(matrix.serverName) \(token)")
            }
        }
    }
}

/// Synapse's shared-secret registration: a nonce, then the user with an HMAC-SHA1 of the nonce,
/// the user, the password and `notadmin`.
enum SynapseAdminRegistration {
    /// Registers `name` and returns its access token.
    static func register(_ name: String, password: String, secret: String, homeserver: URL) async throws -> String {
        let url = MatrixClient.address(homeserver, "/_synapse/admin/v1/register")
        let nonce = try await call(HTTPClientRequest(url: url))["nonce"] as? String ?? ""
        let message = [nonce, name, password, "notadmin"].joined(separator: "\u{0}")
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(message.utf8),
            using: SymmetricKey(data: Data(secret.utf8))
        )
        let body: [String: Any] = [
            "nonce": nonce, "username": name, "password": password, "admin": false,
            "mac": mac.map { String($0, radix: 16).leftPadded(to: 2) }.joined(),
        ]
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        guard let token = try await call(request)["access_token"] as? String else {
            throw ValidationError("Synapse registered \(name) without an access token")
        }
        return token
    }

    private static func call(_ request: HTTPClientRequest) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status.code == 200 else {
            throw ValidationError(
                "Synapse answered \(response.status.code): \(String(decoding: data.prefix(300), as: UTF8.self))"
            )
        }
        return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}

extension String {
    /// The text with `0`s before it up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
