# mailplane through the generic REST provider (Mastercard/restapi).
#
# What the provider assumes, and mailplane guarantees (TerraformRestApiReplayTest replays these
# exact calls against a live server):
#   - create: POST <path> with `data`; the 201 body is the full object, so write_returns_object
#     lets the provider learn the id from `id_attribute` without another call;
#   - read: GET <path>/<id>; a 404 means the object is gone and leaves the state;
#   - update: PUT <path>/<id> with the whole `data` (PUT replaces; the body comes back);
#   - destroy: DELETE <path>/<id> is 204, and 404 when already gone, which the provider treats
#     as success;
#   - the object read back is exactly `data` plus read-only fields (version, timestamps, ...), so
#     ignore_server_additions leaves a second plan empty. Write-only secrets (password) are never
#     returned: list them in ignore_changes_to.
# Write every writable field in `data` (PUT replaces the whole object) and write keys normalized
# (lowercase, A-label), as the server returns them.

provider "restapi" {
  uri                  = var.mailplane_url
  write_returns_object = true
  create_method        = "POST"
  read_method          = "GET"
  update_method        = "PUT"
  destroy_method       = "DELETE"
  # Mailboxes and aliases are addressed by their address; domains override this below.
  id_attribute = "address"
  headers = {
    Authorization = "Bearer ${var.mailplane_token}"
    Content-Type  = "application/json"
  }
}

resource "restapi_object" "domain" {
  path                    = "/api/v1/domains"
  id_attribute            = "name"
  ignore_server_additions = true
  data = jsonencode({
    name        = var.domain
    description = "Managed by Terraform"
    enabled     = true
    limits = {
      maxMailboxes   = 100
      maxAliases     = 500
      maxQuotaMb     = 10240
      defaultQuotaMb = 2048
    }
  })
}

resource "restapi_object" "mailbox_john" {
  path                    = "/api/v1/mailboxes"
  ignore_server_additions = true
  ignore_changes_to       = ["password"]
  data = jsonencode({
    address     = "john@${restapi_object.domain.id}"
    displayName = "John Doe"
    password    = var.john_password
    quotaMb     = 4096
    enabled     = true
    sendOnly    = false
    admin       = false
    domainAdmin = false
  })
}

resource "restapi_object" "alias_sales" {
  path                    = "/api/v1/aliases"
  ignore_server_additions = true
  data = jsonencode({
    address      = "sales@${restapi_object.domain.id}"
    destinations = [restapi_object.mailbox_john.id]
    enabled      = true
    description  = "Sales team"
  })
}

# The catch-all of the domain is the alias "@<domain>".
resource "restapi_object" "catch_all" {
  path                    = "/api/v1/aliases"
  ignore_server_additions = true
  data = jsonencode({
    address      = "@${restapi_object.domain.id}"
    destinations = [restapi_object.mailbox_john.id]
    enabled      = true
    description  = "Everything else"
  })
}

output "mailbox_john" {
  value = jsondecode(restapi_object.mailbox_john.api_response)
}
