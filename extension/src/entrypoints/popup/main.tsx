import { render } from "preact";
import "../../ui/theme.css";
import { PopupApp } from "../../ui/popup/PopupApp";

render(<PopupApp />, document.getElementById("app")!);
