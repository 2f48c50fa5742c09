import Foundation

/// TEST FIXTURE ONLY: an RSA 2048 key pair and a self-signed X.509 certificate for it, generated with
/// `openssl genpkey` and `openssl req -x509` for the Microsoft Graph emulator tests (certificate
/// credentials: the client signs its assertion with the private key, the emulator checks the
/// certificate's thumbprint and the signature). They protect nothing; never use them anywhere else.
package enum MSGraphTestKeys {
    /// The app registration's certificate (self-signed, PEM).
    package static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIDMzCCAhugAwIBAgIUKBEm1pHrBNcV2Pen6fLqeXQex2MwDQYJKoZIhvcNAQEL
        BQAwKDEmMCQGA1UEAwwdc2NpbS1icmlkZ2UgbXNncmFwaCB0ZXN0IG1haW4wIBcN
        MjYxMjA3MDUzNzEyWhgPMjEyNjExMTMwNTM3MTJaMCgxJjAkBgNVBAMMHXNjaW0t
        YnJpZGdlIG1zZ3JhcGggdGVzdCBtYWluMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A
        MIIBCgKCAQEAvk5YNGOiuRYTR00x/3jTbWMqwwgKPAJSoVqCiLx+lSVBiEUtOr9T
        EKIO8Wo4sBuLbchXl+sBu9WQf0s/Iu6EOIKqO9arxa4Tu1hiNGltATJoPXwU8wZc
        +jETGJfkGlZK1r43C6j2YQjnPkuTIOsT3ocGTQXfGufusIKdxSTfMV/mPFCS2XMw
        Wb67hUkYRP+M3WaDnchMLYfKDOcKoKJ5gYMXakwShCIvhew10Y1fpz6KmEqsRR17
        gFZ6gmqw8jodrumSKZppM8yFnorVHy4hUMho6AM6vptyWhVxShRlS3jcROoldQSf
        koVM30v8hItz6SHt+Gd0Pi54GNZ7EM6DNQIDAQABo1MwUTAdBgNVHQ4EFgQUMnCs
        Em0zZqgGbbGF7sLKKK7DF1AwHwYDVR0jBBgwFoAUMnCsEm0zZqgGbbGF7sLKKK7D
        F1AwDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAMhYq/61zTm51
        q1P4xzhnSCPjECHv2ez8+Exu3oP6BeVZvxGbdToR5GjOOae/nSYeMw+L40J2ETMP
        fmB6dQB+Ts1CoVfKc05bbUPmUI1nwAkmmnYoHIo1EDck+30M9HhmQl9FbqLBXs3X
        VjTzpGdUGMjE5g615CYXGG1N0FNlTyoIG6kg56veVRdik0vPazgmCfv//jh66QQT
        WqRt8RH90zw1oVhYK110sRt5g0uRZbQ1uWsImfYu0TZkvGkRq/xlz8d/e8fi0cc+
        slX9chBZhm4a8NC/knuLgX6wvNOR93DCFRGQWW8jJv/XBarHkbofgvvubTFwBf0a
        p+db7fdisA==
        -----END CERTIFICATE-----
        """

    /// The certificate's private key (PKCS #8), which signs the client assertions.
    package static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC+Tlg0Y6K5FhNH
        TTH/eNNtYyrDCAo8AlKhWoKIvH6VJUGIRS06v1MQog7xajiwG4ttyFeX6wG71ZB/
        Sz8i7oQ4gqo71qvFrhO7WGI0aW0BMmg9fBTzBlz6MRMYl+QaVkrWvjcLqPZhCOc+
        S5Mg6xPehwZNBd8a5+6wgp3FJN8xX+Y8UJLZczBZvruFSRhE/4zdZoOdyEwth8oM
        5wqgonmBgxdqTBKEIi+F7DXRjV+nPoqYSqxFHXuAVnqCarDyOh2u6ZIpmmkzzIWe
        itUfLiFQyGjoAzq+m3JaFXFKFGVLeNxE6iV1BJ+ShUzfS/yEi3PpIe34Z3Q+LngY
        1nsQzoM1AgMBAAECggEAASbobFjldJ8RXxuKEeytqpCqS3wsdScrlHJMh/P/wH8C
        J7qJNL0EQJcj4XMzV4wZzfw0ut5gdyBmYPlJDPjmFYAWuJ4+EZT0TDC1ub3+5nFW
        haI51gnoGwLgeMQOe4MQlGk8QqJK0cgemUyOHf8LoX7UtyZpZhyliocXnkzOsHgI
        DFubr88xJi3ABa8oI3Tj91j0ZnPVnkA2i/gc1huef+RHLsc/On0MDxzqKD9YGSYG
        DzSP5bDR1+UTJVUNeRFgbs94jdHfenUaZVbDMY3Ed9uoKF+r5SEWBS4Co3s4gw3y
        l0LOB82s6hSCrug7Np4MoYZc83+utqeP59wUaKuiEQKBgQDs8wiY2/bFMK+53h+0
        hMo+n1rXszxk7OX+2DFrOHG8EzMtJgnuoOlgipBGd67itvFSc/O3zpej4tztqdei
        4/nPx33nqldmUQSBEpMNXbaq8W2Lw9T4EfzJUz4gq17z9DF/9E4oKa3DG11Augur
        NaC1Uuggdg9755DfhBM3fEHepQKBgQDNm0iST9xxrN8q+Q16BsNzJn1SEJM8UqXc
        VtbwHBA2UfzAuheGU4TxxIPdpr6c+L2q/G+KAjq6r4rL4E7ogfbC8pev/PV9pQyU
        E6AbRKX8IEWR04KyOWHJoCTV49BjYuCOnDgq49RyK7SH2+olgRSi1Y4Eyu22y5ol
        2BDcFdb9UQKBgHb+VgLt9C9zE8yz0BhH14k7XdOVH29PyPECgU7nObbJrZmu0K4W
        AR2KeInq8NjKJsbRlENqbJzRAUIZWUFkW8AM3x3IXbv0U96+BTthJKsUM39NCVbL
        MbepJjoh1b2NlI49kkJ5K9ofk+U9iT6h3+Mvj4M9xujikc6t9TiYHjxBAoGAQeBN
        AkQAN5PR9SzS+pQML2rXoGGbKyq35b8VIt16/EyMlRuKygkcgXIbZfs0+4pfCtfS
        zP8l3ga8i9IUtj5d19xuaX69EUK+ovsew13daMjWQYDpUT09baKX6sgRTqaxmD/J
        Z0SUHviN4TG+9cFD4WBXHoX+YCEgBJwT2tBMj+ECgYEA3ysqflYI2MsXrBeJR4z8
        6oyAVFryE+a2VqlMouu65YHrR4mFRo4cA7UCTIT5iIAszruN9cmEoIzoJ9wyWxeB
        c2ZM4+iJCGufT+Nnsi5LzorkIEN1k3mG+Jb5gN4v+le8U4hhVl9P9IYfGlwJLC4s
        sZSN2jF9yk+kIKS3P3afaug=
        -----END PRIVATE KEY-----
        """

    /// The certificate's public key, which the emulator verifies assertions with.
    package static let publicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvk5YNGOiuRYTR00x/3jT
        bWMqwwgKPAJSoVqCiLx+lSVBiEUtOr9TEKIO8Wo4sBuLbchXl+sBu9WQf0s/Iu6E
        OIKqO9arxa4Tu1hiNGltATJoPXwU8wZc+jETGJfkGlZK1r43C6j2YQjnPkuTIOsT
        3ocGTQXfGufusIKdxSTfMV/mPFCS2XMwWb67hUkYRP+M3WaDnchMLYfKDOcKoKJ5
        gYMXakwShCIvhew10Y1fpz6KmEqsRR17gFZ6gmqw8jodrumSKZppM8yFnorVHy4h
        UMho6AM6vptyWhVxShRlS3jcROoldQSfkoVM30v8hItz6SHt+Gd0Pi54GNZ7EM6D
        NQIDAQAB
        -----END PUBLIC KEY-----
        """

    /// A key the app registration does not know: its signatures must be refused.
    package static let otherPrivateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC0R+ITzkcTL0Q3
        2dwjCUBXV5jA6xlkmQQNTsPNao3pw5Bv4FcrnR3rOmrwZhD50GJjt8vxjbvAOqkS
        kcw0tf1/AXub4kHseNWXwetaNM03bzYlA4jiadvWsKNDQlgV0jdvuVwRnP5MTSuV
        QoAf6l/HhU+bXtM7Ez7OWtCyjDsUZy7k3hHZN7MXUgdyfgHZT3wniT5KomL2a5CO
        rqjSG3ikAb4G3UG4n1H7joM4Rtzg05ovRPh+pZITRXJyEyRveNKZ0H29TMB6gONC
        yoM11XuxKfN+TUicoGBGtTuB7XgGZfY2k2Yn+ZNSG5WgbtYJIm030PMUB8hcBITM
        KnWzmq33AgMBAAECggEAA6IfPRiL98FptcAL3uwYAkQ44LDcRia/UI7x0axmevuY
        aAJn2PBfSTC+m8tMZ3x62L+iui+J3r0ctmV+oOFTrPRlGIzEZcIM3yezv1512rqN
        c//qPLkdcR1soBv9YnmZT55QuLPAfERh4hQ0ONbXlbg3roEh7xYOm5VA936gzvxs
        r6qP38XTe9xCxDAkMe19xXev5Tu7F8eRDYzNqZkYaSyA+tCgVFK9kd47kzg455RK
        ljUq503Bv852n+LVDbEnCigMQ2xvWd84GRBpP1PzLPvnBFVEFZNQnMIn0mFeL5li
        MdmOgjd26+0SIhZmumDNP+E2LwiMlWF4TFv9XgR04QKBgQDpNsqPFEPEJwpnLf20
        yDJECaSyvolZqBiMOZQnZk0EuIq4HhaxOnQp4qVjcdtA+nO4Hppmywl7EV/EVCWn
        b7sCOz8An0etCx+NheF33PP8jjj6gltEkxXicwFbMqqSgTASCho0UqiLK2KhIAyF
        or7NdzLq+orOLylmMXT1pDUG1QKBgQDF5Ry/kIYkQvmWkSf/wdztvGOVSuQZN3sD
        9gDrK4sUHpyYQrU1cfG6gjulJzcs6stiH5lz1tW45QPpDG8W3pjEuA7tK9bzguJt
        GMLDJBWTbE6gjkPOJZFa7MArGTnLINEQ+pfTmirSduOBxFnIayHL937uKE8niwsE
        WuytGlzfmwKBgQDi7uoUaEe467R3yo0CCXzAMBIPzNCiaavZZ33/CNERMvHpT34N
        XzACQgVlyzjq9cr88uqT9CZ5luJ1jNxHHbX/6d7YoCWDATvm3swTcvIIY+yV95sQ
        E4BMJlS/hYHtpcA9DY+KMpTHN6R13VXSBBdeoArwFHRVRhcm1iFVlj/zMQKBgFjC
        A/zfg2qsJ2mivT/24XI3dqq1Jk0xFxmVsp/Hrd9eQ3n/IWtRKcwvMTVHu3WH8aSW
        66qLBtygyvoxu3mUaQyCSR+S9BvP7mJkIqaHfq3afAGDDWJecy1G1oH+FG/IzjxB
        SOt9UAuJi0zeli5P7p6e6O1EYwwnTs+rQE/7bQBVAoGASHabyvlst9iq0n0tsStu
        lzN6SjMwvJ8xaGAdMyC4uyQj3t64KvenbxbloNNpQ9uSUrllKAQsjJkpJPFzL6N1
        CpbugIz2l7+E6/vCxzebt2F6lNI+fOSaSG6iSyuaydnVB9WQbBquI++4/4xPH5hn
        lFpSZjuRbCGmIinHTX/CbSU=
        -----END PRIVATE KEY-----
        """

    /// The certificate of `otherPrivateKeyPEM`: its thumbprint is not the registered one.
    package static let otherCertificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIDNTCCAh2gAwIBAgIUPWOfCY14jfgzKCCMK8Lw/UiXN1IwDQYJKoZIhvcNAQEL
        BQAwKTEnMCUGA1UEAwwec2NpbS1icmlkZ2UgbXNncmFwaCB0ZXN0IG90aGVyMCAX
        DTI2MTIwNzA1MzcxMloYDzIxMjYxMTEzMDUzNzEyWjApMScwJQYDVQQDDB5zY2lt
        LWJyaWRnZSBtc2dyYXBoIHRlc3Qgb3RoZXIwggEiMA0GCSqGSIb3DQEBAQUAA4IB
        DwAwggEKAoIBAQC0R+ITzkcTL0Q32dwjCUBXV5jA6xlkmQQNTsPNao3pw5Bv4Fcr
        nR3rOmrwZhD50GJjt8vxjbvAOqkSkcw0tf1/AXub4kHseNWXwetaNM03bzYlA4ji
        advWsKNDQlgV0jdvuVwRnP5MTSuVQoAf6l/HhU+bXtM7Ez7OWtCyjDsUZy7k3hHZ
        N7MXUgdyfgHZT3wniT5KomL2a5COrqjSG3ikAb4G3UG4n1H7joM4Rtzg05ovRPh+
        pZITRXJyEyRveNKZ0H29TMB6gONCyoM11XuxKfN+TUicoGBGtTuB7XgGZfY2k2Yn
        +ZNSG5WgbtYJIm030PMUB8hcBITMKnWzmq33AgMBAAGjUzBRMB0GA1UdDgQWBBRs
        /9bVa9P/JuteocU5EiyYzw8tIzAfBgNVHSMEGDAWgBRs/9bVa9P/JuteocU5EiyY
        zw8tIzAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQBS6agzzUaj
        VfOmOzVCdI9VrteAvgJf/iSQ7WUogHr2lP5MslTb9s/jI8sT0KCdraC3ohmPGVY3
        VTp/bPXO/kOxhsPbkk/KwJIyN+BQNUMEHd4Po8BMvnGSkvfCEN5swkFvTDJFjNgm
        hkYyq1621XyJdkVeEN7CNk/wbsbjwIbISj+1W36MmA0KHDeIw5v9PczuTW6sw83A
        bjiL4MZgUz6mPbSozMFkCAI/zU8fisnPYRDW+UrGxEFcYpyzYD2DrjmZy2NgX0rC
        CAOAG/PybehjPUP9fk3saXdhhhEukieVsY+gM6rWhZJ/WjlgtfvUq6bJW1blQvNB
        u3eoRz2m//ms
        -----END CERTIFICATE-----
        """
}
