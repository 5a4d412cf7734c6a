-- mailplane: an authenticated submission may only carry From and Sender headers that show
-- addresses its login may send as. Rspamd loads this file from
-- /etc/rspamd/local.d/rspamd.lua (mount it over the seed's filter image there).
--
-- Postfix has already refused an envelope sender the login does not own
-- (reject_sender_login_mismatch against smtpd_sender_login_maps), so the allowed addresses are
-- that envelope sender and the login itself. The message needs exactly one From header holding
-- exactly one valid address from that set; a missing From, a second From, a list, a group or an
-- unparsable From is refused. A mail client may show the display name instead of the address,
-- so anything that looks like an address anywhere in a From or Sender header (display name,
-- encoded-word, comment), after decoding, must be allowed too. The reject is a pre-result, so
-- dkim_signing never signs the message and Postfix answers 5xx after DATA.
local N = 'mailplane_from_owned'

-- The header value with its quoted strings removed, so ':' and ';' left outside them mean a group.
local function unquoted(value)
  local out, quoted, escaped = {}, false, false
  for c in value:gmatch('.') do
    if escaped then
      escaped = false
    elseif quoted and c == '\\' then
      escaped = true
    elseif c == '"' then
      quoted = not quoted
    elseif not quoted then
      out[#out + 1] = c
    end
  end
  return table.concat(out)
end

-- Every address-like token in the header's raw and decoded forms is one the login may use.
local function only_allowed_addresses(header, allowed)
  for _, text in ipairs({ header.value or '', header.decoded or '' }) do
    for token in text:gmatch('[^%s<>"\'(),;:@%[%]\\]+@[^%s<>"\'(),;:@%[%]\\]+') do
      if not allowed[token:gsub('%.+$', ''):lower()] then
        return false
      end
    end
  end
  return true
end

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
  if not (from[1].flags and from[1].flags.valid) or not allowed[from[1].addr:lower()] then
    return false
  end
  if unquoted(headers[1].value or ''):find('[:;]') then
    return false
  end
  for _, header in ipairs(headers) do
    if not only_allowed_addresses(header, allowed) then
      return false
    end
  end
  for _, header in ipairs(task:get_header_full('Sender') or {}) do
    if not only_allowed_addresses(header, allowed) then
      return false
    end
  end
  return true
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
        'From or Sender header shows an address that is not one this login may send as', N)
    return true
  end,
})
