package import SCIM

/// A Google service account's JSON key file, the fields the JWT bearer grant needs. Printing it
/// shows the account, never the key.
package struct ServiceAccountKey: Sendable, CustomStringConvertible {
    /// `client_email`: the JWT's `iss`.
    package var clientEmail: String
    /// `private_key`: an RSA private key in PEM form.
    package var privateKeyPEM: String
    /// `private_key_id`: the JWT header's `kid`.
    package var privateKeyID: String?
    /// `token_uri`: Google's token endpoint, used when the configuration names none.
    package var tokenURI: String?

    package init(clientEmail: String, privateKeyPEM: String, privateKeyID: String? = nil, tokenURI: String? = nil) {
        self.clientEmail = clientEmail
        self.privateKeyPEM = privateKeyPEM
        self.privateKeyID = privateKeyID
        self.tokenURI = tokenURI
    }

    /// Reads the key file as the Google Cloud console downloads it.
    package init(json text: String) throws(TargetError) {
        guard let json = try? JSONParser.parse(text), json.objectValue != nil else {
            throw .permanent(
                status: 401,
                detail:
                    "The service account key is not a JSON object (download it again from the Google Cloud console)."
            )
        }
        if let type = json["type"]?.stringValue, type != "service_account" {
            throw .permanent(status: 401, detail: "The key file's type is '\(type)', not 'service_account'.")
        }
        guard let email = json["client_email"]?.stringValue, !email.isEmpty else {
            throw .permanent(status: 401, detail: "The service account key has no 'client_email'.")
        }
        guard let pem = json["private_key"]?.stringValue, pem.contains("PRIVATE KEY") else {
            throw .permanent(status: 401, detail: "The service account key has no PEM 'private_key'.")
        }
        self.init(
            clientEmail: email,
            privateKeyPEM: pem,
            privateKeyID: json["private_key_id"]?.stringValue,
            tokenURI: json["token_uri"]?.stringValue
        )
    }

    package var description: String { "ServiceAccountKey(\(clientEmail), private key redacted)" }
}
