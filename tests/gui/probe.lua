-- SPDX-License-Identifier: GPL-2.0-or-later
-- Loaded by the Wireshark GUI under test (tests/gui/test-gui.sh) from the
-- test user's personal Lua plugin folder.  Reports, from inside the GUI
-- process, whether amftcp's dissector and fields are registered there and
-- which frames the test's display filter matches when the GUI dissects them,
-- one line each, into the file named by AMFTCP_GUI_REPORT.
local report_path = os.getenv("AMFTCP_GUI_REPORT")
local filter = os.getenv("AMFTCP_GUI_FILTER")
if report_path == nil or filter == nil then
    return
end

local function report(line)
    local f = io.open(report_path, "a")
    if f then
        f:write(line, "\n")
        f:close()
    end
end

report("gui " .. tostring(gui_enabled()))
report("dissector amftcp " .. (pcall(Dissector.get, "amftcp") and "found" or "missing"))
report("field amf.type " .. (pcall(Field.new, "amf.type") and "found" or "missing"))

local ok, tap = pcall(Listener.new, "frame", filter)
if not ok then
    report("filter rejected " .. tostring(tap))
    return
end
report("filter accepted")
function tap.packet(pinfo)
    report("match " .. pinfo.number)
end
