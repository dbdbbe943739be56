using Cocona;

var app = CoconaLiteApp.Create(args);
