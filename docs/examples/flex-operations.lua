-- Count Flex calls per operation with the "amftcp" tap:
--   tshark -r capture.pcap -q -X lua_script:flex-operations.lua
-- A C tap's record does not reach Lua (the listener's third argument is
-- nil), so the fields are read from the frame's tree with Field.new.
local operation = Field.new("amf.flex.operation")
local calls = {}
local last_frame = nil
local tap = Listener.new("amftcp", "amf.flex.operation")

function tap.packet(pinfo, tvb, record)
    -- One call per AMF message; a frame with several sees all their fields
    -- in each call, so count a frame once.
    if pinfo.number == last_frame then return end
    last_frame = pinfo.number
    for _, op in ipairs({ operation() }) do
        local name = tostring(op)
        calls[name] = (calls[name] or 0) + 1
    end
end

function tap.draw()
    local names = {}
    for name in pairs(calls) do names[#names + 1] = name end
    table.sort(names)
    for _, name in ipairs(names) do
        print(string.format("%-20s %d", name, calls[name]))
    end
end

function tap.reset()
    calls = {}
    last_frame = nil
end
