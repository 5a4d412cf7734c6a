variable "mailplane_url" {
  description = "Base URL of mailplane, without a trailing slash"
  type        = string
  default     = "http://localhost:8080"
}

variable "mailplane_token" {
  description = "An API token with the admin scope (or domain:<name> for that domain's objects)"
  type        = string
  sensitive   = true
}

variable "domain" {
  description = "The mail domain to manage (lowercase A-label: keys are normalized by the server)"
  type        = string
  default     = "example.com"
}

variable "john_password" {
  description = "Initial password of john@<domain>; write-only, never read back"
  type        = string
  sensitive   = true
}
