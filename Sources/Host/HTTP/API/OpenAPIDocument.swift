/// The management API's OpenAPI 3.1 document, `openapi.yaml` beside this file, built into the
/// binary so that it is served exactly as kept in the repository.
enum OpenAPIDocument {
    /// The document's bytes.
    static var bytes: [UInt8] { PackageResources.openapi_yaml }

    /// The remote plugin protocol's OpenAPI document, `remote-plugin-protocol.yaml` beside this
    /// file (`docs/remote-plugin-protocol.yaml` links to it).
    static var remotePluginProtocol: [UInt8] { PackageResources.remote_plugin_protocol_yaml }
}
