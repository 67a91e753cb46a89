/// The management API's OpenAPI 3.1 document, `openapi.yaml` beside this file, built into the
/// binary so that it is served exactly as kept in the repository.
enum OpenAPIDocument {
    /// The document's bytes.
    static var bytes: [UInt8] { PackageResources.openapi_yaml }
}
