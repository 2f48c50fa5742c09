import Foundation

/// TEST FIXTURE ONLY: RSA key pairs generated with `openssl genpkey` for the Google emulator tests.
/// They protect nothing; never use them anywhere else.
package enum GoogleTestKeys {
    /// The service account's private key (PKCS #8, 2048 bits).
    package static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDgjd7ajWYKmELx
        n9HyzswEZF+Yeg00sMLtl0Q28nw3SOB6h7hWHF//UlRxgMUvYBMt2mooRvV9XiYc
        HatzcIfF5AWzWvnNK3ZxSkD8Y1t04N87cJZA1ZRmXjClx8VU9ZLsnDRsC9R44JLr
        81lZo/V95scA5N7BZcMZcWQ3rt2s8oYC5JjqT8frI0IqSFH0vHRqlZt/mHubpvAv
        pm+xnwzgAqF0+D9rEVibyTteDI8sJQBMNUPvsnRj6y5gvOna4qaRwjPi9/ZFexqw
        PDxErh0LFtx+yOFNaqxPfMYErubd8uAaVcGIi4ucgC0u/TA90gwFJIikpdbr6bOg
        MGykXY8JAgMBAAECggEAAIdTsMb7PMtjNPTjuFE1q5Ui/PRiCmAnWc0I67cS0fIt
        dCVZkQ/Ewj6sIbzpWKSvS/5gea31PoxE85PpqbF3rxOyONv8zsv/wZTCP5r5jYrD
        vQw0CyXUSZCa9ZerUhgUn2JfO8fNG+LwQR/xVL6mvwQMlWbLkYefrYOdlPstAL0F
        P74QmdqdWmsRBqh8EOSdRp7wHCOdMU/fGBVe9Ocw0ZzHPc48OEWBq2su8dmR2gk6
        qZuep8OMXOT3w2ZtPgf7OOeRPHCmpB9LKFNRtfJotBoA6pCJ4qWI5QdJRMZJt/m3
        x/9F5vcQW4P779vrvxmLxH3yNL8FhqIGPr2kP7s95QKBgQD+wGyZhArTsriQO8FD
        17nt3VMQEytvXDK44kvTRwbPnfWmQW7YycxfAiJsz39DltQVEEJfeV6KflDPUyED
        KVfMuGWHjAVOvXIL9kVMei2BL52xmqzKrcNn3qP1zkGFTkkbHNVCLZ0EROC0SE2Z
        agjEKhGl079kVPtGgSLfmqOj8wKBgQDhp5CVRXSIC2IgPFUAzzhn1EGH+iAaLRhY
        kDdd5zKNkGAfmbCmxKK5irI3ot8H35X7bx5T/urEl0Psrft5WQc2GPbjrq5a2VFW
        gp148LvLy0y8COwEmECvoKrJ32sJPxefO3hvKc5EZ/stwwObo2E6pqZWJs6iBahG
        BOQVvpMMEwKBgQDZ+7FxkujoyI7g7CCtepRgEvgWUzDhcxT72rdjK+2KDfG6t1aw
        Lcywp1TpoouVPCRxeZ4xr9rTys4++TTQTboRNN+7onaQL868qZgWnpz9Y88dv+qG
        6zS/VmUZ2cl61cf8aSmaHQm0M3PLD+tGkNK7d/vt10h4A7eXVryOdPX9PQKBgQDN
        RWIH+BuumjRUQK3Ow7J6+SH3sTg8t6L7BY3oNSXOk3RtqqCAxEWG5T2D0Px0LBdC
        l22OWUl1NmlKx2YImE0wD/ufWMswx5nvSXg4iT08gR63uqIA+AN4AH78junOin9R
        kYbYEL6bib97fHguv6v1751Gp5y21NCjiVV21lrr0wKBgC/IumsOABsF8xaEWNiP
        oaeWYGLRzcbTXyR6HQS3tzu+ULmVOZm8To+h/9+XiRGUblIHBP2xE0bhB2EdJhuT
        q7vbXri+JM0DB3JaupistyUE1Tv1pTTOwGZ/qGARDDqZ+Z6o6QTEq8ujxWnB5R8x
        dkHilH2P+xA2JQiBz6PDsk2n
        -----END PRIVATE KEY-----
        """
    /// Its public half, which the emulator verifies assertions with.
    package static let publicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4I3e2o1mCphC8Z/R8s7M
        BGRfmHoNNLDC7ZdENvJ8N0jgeoe4Vhxf/1JUcYDFL2ATLdpqKEb1fV4mHB2rc3CH
        xeQFs1r5zSt2cUpA/GNbdODfO3CWQNWUZl4wpcfFVPWS7Jw0bAvUeOCS6/NZWaP1
        febHAOTewWXDGXFkN67drPKGAuSY6k/H6yNCKkhR9Lx0apWbf5h7m6bwL6ZvsZ8M
        4AKhdPg/axFYm8k7XgyPLCUATDVD77J0Y+suYLzp2uKmkcIz4vf2RXsasDw8RK4d
        CxbcfsjhTWqsT3zGBK7m3fLgGlXBiIuLnIAtLv0wPdIMBSSIpKXW6+mzoDBspF2P
        CQIDAQAB
        -----END PUBLIC KEY-----
        """

    /// A service account key file as the Google Cloud console downloads it, for `ServiceAccountKey(json:)`.
    package static func keyFile(
        clientEmail: String = "bridge@scim-bridge-test.iam.gserviceaccount.com",
        tokenURI: String
    ) -> String {
        var o: [String: String] = [
            "type": "service_account", "project_id": "scim-bridge-test", "private_key_id": "test-key-1",
            "private_key": privateKeyPEM, "client_email": clientEmail, "client_id": "1234567890", "token_uri": tokenURI,
        ]
        o["auth_uri"] = "https://accounts.google.com/o/oauth2/auth"
        return String(decoding: try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A key the emulator does not know: its signatures must be refused.
    package static let otherPrivateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC8isGQAO6HUOKo
        YithhuCPfp36UmPdO4f30mrcz0Wc0sY40sr0V6FPNwmhPa7XbS1jf5HvRsl2iwLL
        kwhAcXQ+JKzSzvIdx/KZot5aN8IUiC2zSXIUZrXqki707qN/RB5I6vy6t0rnmF1v
        q3BjOG1nVZe/wpqHrOM+awJ1ABwWFSdoMf2ZtIjnZTgREh91qQLaWFxjnWT8FFFU
        TDuwvjLi/3xy9W6f5BTUL8inZCj6CsEq4W8ResnF9G/AbC786FJSAee5XCF7pBeY
        pEte4Vo6aZQY5Y9IyVkatRASYibbWBIL6v3Yql8nRoQVqbYlyZ/+rVgU7dY4t8ID
        ce5hTuSlAgMBAAECggEADxZ5g+kXLXvzD29/sjfFa6ZBxSDnvfIAIPxVMeNiWjjh
        xPVVaXVDwt+QJTeW8MVbXv17865x+8sHB7x16hZKK5jqvZny9SAlkVbfvU999/+n
        zJOhjfFkOGfHWzFnow0T8VjgrZ5yX5MpUwDgpwgCdUT7tkw/6oCS1NFianN+S+P1
        UDPmNm1NTcHQ8BBQIwnl0hRoKB+V/P3e7sDULKuNSAhmUSXbJN+fHj+g7Q+t1g8m
        uxGutBVgdZeLwXqS7vEb8w/5BqRK0fpWyOreMjtv7Yn3TWRaOsScyGzqb294GqAf
        pRG3lmeYVkhTa+VJ8dJ632oDhz+AIdO9wtod3qO0BwKBgQDcmbnM5JtCzv/WYRUM
        +udm+YhiM8US8yzrwRZXb4bBfOM57QQFItXloHWnh1eD4SWohtqW7UAGSkQJBnLX
        Ooy5SPrGF7YSousasDhuU3ktMKTDxPnhCWlRKICsga3vABlSZM6xzs6DQZCEIaqR
        vTyJrzVcPy5jTAd3icVW7f3s9wKBgQDazBE5KRoqZBllAzoaZPvmBrqia2jTdXJS
        iCp/TzcBiiZlWVgG+PqP27SB40WjnwikdHZxKE0wPXoBrqhdwy+AIdpj0PtWE3YZ
        6ivQsKHwN+C+GmMMCTNKmTVx+OyrJfE+p6d60eLBFJzA5ncVatlZF4KUN2vcyLg3
        /rhYP90gQwKBgClSUk9i8wJMq/eIL91Ckl3jl/xtHhkym9N9U6YFKgTMU/PhxcMA
        h3h/2goLfAUkA13SBNgIkNmcx6m5H4HZYcrDNNYuUtii088n+yoPUL96QSK6nuPc
        U3H0WEX39JC0QAoDAASmbGCBw4Q8miq6e8B+pUwmOZY4A54MnH5wDgR5AoGBAJfK
        HuDC7Q4fp6Z2WKbbDA6G+I+ZaH3a6tbq9GCh+g0tZHnHQ9SCgoGu8Elz/GoI+Jvu
        2ASk6vfejngATXnO4XNJCRNadiM/GR3dYUxEXfQjL91yvOgqsdS8+WD6SmZpyjWn
        Zf9FAMTmoeEJge/v0p2GO+bLlB71eSgPpKBEngm1AoGAZMRTE7wZ4Hia4dQblDnj
        Lty/uYEM6i61dxcaULAf5eUuWnJYsfcK+jNl44ATmoVLpInYbFJZ8HO8JydOMIgq
        eW2hmkbXuIR5OnrlE/SJ9CqGbzgXEcpaDHYYKbJaqfj0ZOeeC1E/Fvt/G4B/NO5q
        OlGzQ+IVJyd5d4WeEyN5pKU=
        -----END PRIVATE KEY-----
        """
}
