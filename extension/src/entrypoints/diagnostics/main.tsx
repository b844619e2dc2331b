import { render } from "preact";
import "../../ui/theme.css";
import "../../ui/diagnostics/diagnostics.css";
import { DiagnosticsApp } from "../../ui/diagnostics/DiagnosticsApp";

render(<DiagnosticsApp />, document.getElementById("app")!);
