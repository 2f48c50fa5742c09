/// TEST FIXTURE ONLY: RSA key pairs generated with `openssl genpkey` for the Salesforce tests.
/// They protect nothing; never use them anywhere else.
package enum SalesforceTestKeys {
    /// The connected app certificate's private key (PKCS #8, 2048 bits).
    package static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC0glR0d9vl8F6c
        VC4FhJ+0d8naHxASDhhbUmVvbm/TqCU/T7Eawq8Gvi7G0jdEY4XRSh1Gm/uK04u0
        ou8bKpiLAQ9LdReNIzp/Ft3JI56HHHTO8Mtb+Vw8nw8G3fY37Eo3QDb9hzkiw5IS
        rbIIGwKIjzmqErsHrOLxVKUQPRW/jTH1jZxsXlPUiP2yqb6Ml+12asstsjeplSzP
        gQFOcKHphcK+prglONqzbnINQWfUoxq8dWVvNOmTg/fqaS0SZjDATsE69Kig5sAP
        yBWUFAJO4wE9iCLTZya+/clgqSMSs+46XP8Qmo70LLttdeEJydnWx4CBdiRHu8WH
        Uybe4RB1AgMBAAECggEAHCAoj6MzYL8Uxs/5AcQZ7FEz4ugvJVkL44LRqkyvYO/U
        qeo9YrmN8wOEH1eW4/GL4sHlEODyDz4KCSHQFtAKx7HpE61Rd5zTGwVRlmsV4uCE
        tM/hJ9oRTKLOARhpqmoHYFeBmfxNY0TMyFtHH6sxuFx0tDLJ8Ja4H7k8JO0Xq+pN
        KuTmwxNLdc+ARtjqunuooOuW6rOC/zPffiNmmEtDDCO9j4ziC4/Q9d7hlWZgdMTl
        JvFy7aBSYLrWK/n5twqu9D91bQs4NLjMfjUYIzKv/xBLXGqsBe/3O+2xVM5xrOb8
        L+xAj4Eb3hZjJkJahDp6cRx3A3fqashDqX5NLNFhiwKBgQDzTzELPyGFwlAYpyPs
        mNUVrKoQUwsV0OreCTvOTkOk6mCvrnSmeJ9BW6uEjJE7GBn+l9Efzkp0Osezk8RA
        ikJqzdsqFvLNZuJaszE/aSOdfKgscyO4wNxi2y3F9yw9KQY8dGcuEbK0tXhOA5Uk
        4OJSnjQkPjs9v6I2Z0hpCaqbJwKBgQC97JfD9MQ0t3uw4OyhHmhZzEeIvrB3OodE
        jus+NutPNyfwn2VCVgZmuOXzjMxBqoOfIwJ2XMHlOB1AeEjACFL0Y/twa5pWRULG
        1TKcjNDZ5z5Xxl4iyKYv7kS7T7jHF+czxmAZoQPfB0Gwi/kCFwE1OmILhu7KovUi
        VBM/nbgpAwKBgH+QLW5wEutGDShfuP36wv0yIZedclplxj3TKX/omJ6GI1r4ZEBD
        TXu+zBYafKo24KoSfpnmVjLJ/pmwB1yvIFNOynEuxu3Z2yMif9d3EC0phiKH21qq
        AuHxd/YquQ73y0U24kHNFZyY6BI+3psPLJmUSFIYLocZSbqsO9KWNtRRAoGAGDTs
        jwRGcbWlJUE1x79Za4CW6X3sffXOwdU5dH+JdFpCU+/s9wyB2lvcqzMZ4ZC7H/BV
        YwKlj/Kb/9iU5Szqbc3EgWqljDNdtHv97GgiQnOvxX46B1Lto5RJ3Fnn4jBQvo+d
        NgcIuEdzfu4IOdT2yXL8hh2Xl+o3Nj3jCiuvCkMCgYEAxROiHHpCvc9qRfzkt4Ur
        2HQbHXZJYHCHPTHRMo2kYsIohWaFkus32kRHZ1jXqxjWFgMZ2NmX+BztA0t7CvDn
        QQAdIDtJ/EwqBEYcYfP/GEgEPGGtXCrU8JUqoZLs6NqhoNpXvz2hzCp5oH5zU1Ec
        NCG7CstoRhW7iCXU97yNGhs=
        -----END PRIVATE KEY-----
        """
    /// Its public half, which the emulator verifies assertions with.
    package static let publicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtIJUdHfb5fBenFQuBYSf
        tHfJ2h8QEg4YW1Jlb25v06glP0+xGsKvBr4uxtI3RGOF0UodRpv7itOLtKLvGyqY
        iwEPS3UXjSM6fxbdySOehxx0zvDLW/lcPJ8PBt32N+xKN0A2/Yc5IsOSEq2yCBsC
        iI85qhK7B6zi8VSlED0Vv40x9Y2cbF5T1Ij9sqm+jJftdmrLLbI3qZUsz4EBTnCh
        6YXCvqa4JTjas25yDUFn1KMavHVlbzTpk4P36mktEmYwwE7BOvSooObAD8gVlBQC
        TuMBPYgi02cmvv3JYKkjErPuOlz/EJqO9Cy7bXXhCcnZ1seAgXYkR7vFh1Mm3uEQ
        dQIDAQAB
        -----END PUBLIC KEY-----
        """

    /// A key that does not belong to the certificate: assertions it signs must be refused.
    package static let otherPrivateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCt9GFiML+6ZYZb
        R4AQq1kVm94K/WziIqeSnRNJEmVUwvCUp6J4g144cIPrm079Mb8/UiAsR5vE//dK
        0s7tAuYLAyx4DSp8xVpeR9qTiznL3GDQADaSXbzyCbnO3meyP6c/pC7Mo/IjOLQg
        MZVqb2yHMHzPfIXiejPNIFGejpOuu3oGHx5tNDYaJ7oW2wfuj16YqHXvO4WjGmwT
        gS8hdLuV48w9Gjcnpw/l4XoLFgwRUI3etN/ePg4d0ZDvUbNn0IBGC+Md4X+nsxG9
        yZFASeoDVXNPOZEDWi3PFN5ym5EtcN/S/WzCZIKqkGP2vEbs9dX45SuCo490ZM4o
        luWFdcadAgMBAAECggEAGvHxSbviXvWN78KuCCb6iBnaNZqWzJpwmYnCLH3we0Ys
        7OHgjUlQBW8MSCkI/bhAdwb6G9HFw6igfhMUYWsjBg6qSzhC3gvV2SfJKDSXMchD
        qMR3r4lclKNECFKz/kzU08tTQnicr67/W8NCcTesOG6ezqbruC6Uqo/4hJZyMszu
        /KiMHh8sEfHtfcwUXasrUxrVGCUyhwUe/FAoGjDc+HQ0yZ2f4Ngoq4+NAVgtSzCl
        axEydFywovIPwdofHzaV2B9sW4mQHe129YL6696Z5WWN8LOBDiLKJYgJL19sg1FS
        XgFHW0FYCGp/8nPATp47qI3ldgD4cqlSG+JZl/8/AwKBgQDefgUtgMyD9jDrtjCA
        SGyZLmIychIc7APLd5UvP+AotApQLaEE+eBinfDLkS+oXljpnkPZ6z49/6Zbfv6v
        1Db+6SVfYoleasTK3oWQegSr/fA9fkCp3uoFTEcmbFqkuwgMT7yA3PsA2nylDAXu
        N3zPVVf47yXt6+9N2zXos+K9HwKBgQDIJwldryftbMftdzWNZHRtUmoRbo2e7aTH
        4z9L6skpZnDpjHSuoVLjZ+K/OTlT6n+wkLhNHN66H9c9j6XktsYAPeNjVyFQkoS3
        pbt//X9Ji7UXmUejtL03mIY1OKLl8nulkeoGHzgfgbYnHl3DDmcgd6iIjyrnnELL
        LonQ5JFIwwKBgFyKuCacCvTcYq64AeZpuVnhdBCdZ7FF7bIklBWqENd9Q0jkIbRL
        Jqx+Gxjg05zJWVwaawhqE2KAQjaOVOrXbuSKHvRUrORrrlzfP1i/l8/d+J3rNIQz
        Zs07U+DEctNPw+IzDCnhQDmzpuKTZKgXxj8KtWOiPPmAB/IvOnYG1ElrAoGBAICl
        LozrhsNA1uPXajE97uNRRGF96ELNRctAUa+u8arNcCd8ooaXpBoL7J6x3hoEsBvB
        eOP/eVyyGHs1+A+gNnVzUdLI7t3Fvs33FSO3wHd592R6naQoCDJSs3hDtdgMWdLa
        jUtwB3egvH46M1Oqzzf8EPPs6UvCkN/dQrFkJ8lXAoGAWN1tT8woGK6WImjZVnFS
        V+lu+qn9eIkRbH88EkReAZwuPT5iqBdA6oX0iQ8Bpbppn0r0bZjaFPEiBZpEuse1
        fZ95ZfGptmK1pt0KZoWecYHoZ5dYK86+kO+EhwN4UwYGS2tNhGglMEREjg0Fs/Ct
        tKgaRewNiSfiuQ/p8wC75Dg=
        -----END PRIVATE KEY-----
        """
}
