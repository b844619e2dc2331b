import { render } from "preact";
import "../../ui/theme.css";
import { PinApp } from "../../ui/pin/PinApp";

render(<PinApp />, document.getElementById("app")!);
