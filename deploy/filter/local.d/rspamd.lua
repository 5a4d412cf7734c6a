-- mailplane: an authenticated submission may only carry a From header address that its login may
-- send as (issue 12). Rspamd loads this file from /etc/rspamd/local.d/rspamd.lua (mount it over
-- the seed's filter image there).
--
-- Postfix has already refused an envelope sender the login does not own
-- (reject_sender_login_mismatch against smtpd_sender_login_maps), so the From header must hold
-- exactly one address, equal (case-insensitively) to that envelope sender or to the login
-- itself. A second From header, a list of addresses, a group or an unparsable From is refused
-- too: a mail client shows one of them, and that one must not be someone else's. The reject is
-- a pre-result, so dkim_signing never signs the message and Postfix answers 5xx after DATA.
local N = 'mailplane_from_owned'

local function owned_by_login(task)
  local user = task:get_user()
  if not user then
    return true
  end
  local allowed = { [user:lower()] = true }
  local envelope = task:get_from('smtp')
  if envelope and envelope[1] and envelope[1].addr and envelope[1].addr ~= '' then
    allowed[envelope[1].addr:lower()] = true
  end
  local headers = task:get_header_full('From') or {}
  local from = task:get_from('mime') or {}
  if #headers ~= 1 or #from ~= 1 or not from[1].addr or from[1].addr == '' then
    return false
  end
  return allowed[from[1].addr:lower()] == true
end

rspamd_config:register_symbol({
  name = 'MAILPLANE_FROM_NOT_OWNED',
  type = 'prefilter',
  group = 'mailplane',
  callback = function(task)
    if owned_by_login(task) then
      return false
    end
    task:set_pre_result('reject',
        'From header address is not one this login may send as', N)
    return true
  end,
})
