/// TEST FIXTURE ONLY: RSA key pairs generated with `openssl genpkey` for the Salesforce tests.
/// They protect nothing; never use them anywhere else.
enum SalesforceTestKeys {
    /// The connected app certificate's private key (PKCS #8, 2048 bits).
    static let privateKeyPEM = """
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
    static let publicKeyPEM = """
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
}
