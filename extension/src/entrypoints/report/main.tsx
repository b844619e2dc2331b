import { render } from "preact";
import "../../ui/theme.css";
import "../../ui/diagnostics/diagnostics.css";
import { ReportViewer } from "../../ui/diagnostics/ReportViewer";

render(<ReportViewer />, document.getElementById("app")!);
