terraform {
  required_version = ">= 1.5"
  required_providers {
    restapi = {
      source = "Mastercard/restapi"
      # ignore_server_additions / ignore_changes_to need a current provider.
      version = ">= 2.0.0"
    }
  }
}
