/// RFC 7644 §3.7 examples, verbatim where they are valid JSON.
enum BulkFixtures {
    /// §3.7.2: create Alice and the 'Tour Guides' group with Alice as a member.
    static let tourGuidesRequest = """
        {
          "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
          "Operations": [
            {
              "method": "POST",
              "path": "/Users",
              "bulkId": "qwerty",
              "data": {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": "Alice"
              }
            },
            {
              "method": "POST",
              "path": "/Groups",
              "bulkId": "ytrewq",
              "data": {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Tour Guides",
                "members": [
                  {
                    "type": "User",
                    "value": "bulkId:qwerty"
                  }
                ]
              }
            }
          ]
        }
        """

    /// §3.7.2: the response to `tourGuidesRequest`.
    static let tourGuidesResponse = """
        {
          "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],
          "Operations": [
            {
              "location":
        "https://example.com/v2/Users/92b725cd-9465-4e7d-8c16-01f8e146b87a",
              "method": "POST",
              "bulkId": "qwerty",
              "version": "W\\/\\"4weymrEsh5O6cAEK\\"",
              "status": {
                "code": "201"
              }
            },
            {
              "location":
        "https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a",
              "method": "POST",
              "bulkId": "ytrewq",
              "version": "W\\/\\"lha5bbazU3fNvfe5\\"",
              "status": {
                "code": "201"
              }
            }
          ]
        }
        """

    /// §3.7.2: a bulkId reference inside the enterprise extension's manager.
    static let managerRequest = """
         {
           "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
           "Operations": [
             {
               "method": "POST",
               "path": "/Users",
               "bulkId": "qwerty",
               "data": {
                 "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                 "userName": "Alice"
               }
             },
             {
               "method": "POST",
               "path": "/Users",
               "bulkId": "ytrewq",
               "data": {
                 "schemas": [
                   "urn:ietf:params:scim:schemas:core:2.0:User",
                   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
                 ],
                 "userName": "Bob",
                 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                   "employeeNumber": "11250",
                   "manager": {
                     "value": "bulkId:qwerty"
                   }
                 }
               }
             }
           ]
         }
        """

    /// §3.7.1: two groups that are members of each other.
    static let circularRequest = """
        {
          "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
          "Operations": [
            {
              "method": "POST",
              "path": "/Groups",
              "bulkId": "qwerty",
              "data": {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Group A",
                "members": [
                  {
                    "type": "Group",
                    "value": "bulkId:ytrewq"
                  }
                ]
              }
            },

            {
              "method": "POST",
              "path": "/Groups",
              "bulkId": "ytrewq",
              "data": {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Group B",
                "members": [
                  {
                    "type": "Group",
                    "value": "bulkId:qwerty"
                  }
                ]
              }
            }
          ]
        }
        """

    /// §3.7.3: add, update and remove users, verbatim. Its PATCH `data` (`{[ ... ]}`) is not valid JSON.
    static let mixedRequestVerbatim = """
        {
          "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
          "failOnErrors":1,
          "Operations":[
            {
              "method":"POST",
              "path":"/Users",
              "bulkId":"qwerty",
              "data":{
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:User"],
                "userName":"Alice"
              }
            },
            {
              "method":"PUT",
              "path":"/Users/b7c14771-226c-4d05-8860-134711653041",
              "version":"W\\/\\"3694e05e9dff591\\"",
              "data":{
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id":"b7c14771-226c-4d05-8860-134711653041",
                "userName":"Bob"
              }
            },

            {
              "method": "PATCH",
              "path": "/Users/5d8d29d3-342c-4b5f-8683-a3cb6763ffcc",
              "version": "W/\\"edac3253e2c0ef2\\"",
              "data": {[
                {
                    "op": "remove",
                    "path": "nickName"
                },
                {
                    "op": "add",
                    "path": "userName",
                    "value": "Dave"
                }
              ]}
            },
            {
              "method":"DELETE",
              "path":"/Users/e9025315-6bea-44e1-899c-1e07454e468b",
              "version":"W\\/\\"0ee8add0a938e1a\\""
            }
          ]
        }
        """

    /// `mixedRequestVerbatim` with the PATCH data written as the PatchOp body it stands for (§3.5.2).
    static let mixedRequest = mixedRequestVerbatim.replacing(
        #""data": {["#,
        with: #""data": {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ["#
    )

    /// §3.7.3: the response to `mixedRequest`.
    static let mixedResponse = """
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],
            "Operations": [
                {
                    "location":
        "https://example.com/v2/Users/92b725cd-9465-4e7d-8c16-01f8e146b87a",
                    "method": "POST",
                    "bulkId": "qwerty",
                    "version": "W\\/\\"oY4m4wn58tkVjJxK\\"",
                    "status": "201"
                },
                {
                    "location":
        "https://example.com/v2/Users/b7c14771-226c-4d05-8860-134711653041",
                    "method": "PUT",
                    "version": "W\\/\\"huJj29dMNgu3WXPD\\"",
                    "status": "200"
                },

                {
                    "location":
        "https://example.com/v2/Users/5d8d29d3-342c-4b5f-8683-a3cb6763ffcc",
                    "method": "PATCH",
                    "version": "W\\/\\"huJj29dMNgu3WXPD\\"",
                    "status": "200"
                },
                {
                    "location":
        "https://example.com/v2/Users/e9025315-6bea-44e1-899c-1e07454e468b",
                    "method": "DELETE",
                    "status": "204"
                }
            ]
        }
        """
}
